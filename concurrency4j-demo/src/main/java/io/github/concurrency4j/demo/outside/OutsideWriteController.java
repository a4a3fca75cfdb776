package io.github.concurrency4j.demo.outside;

import io.github.concurrency4j.Row;
import io.github.concurrency4j.demo.admin.AdminTable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Runs one of the fixed {@link OutsideStatement}s on a connection of its own, bypassing the app entirely. */
@Controller
public class OutsideWriteController {
    private final DataSourceProperties database;
    private final Map<String, AdminTable> tables;

    public OutsideWriteController(DataSourceProperties database, List<AdminTable> tables) {
        this.database = database;
        this.tables = tables.stream().collect(Collectors.toMap(AdminTable::table, Function.identity()));
    }

    @GetMapping("/outside")
    public String panel(Model model) {
        model.addAttribute("statements", OutsideStatement.values());
        model.addAttribute("rows", Map.of(
                "supplier", tables.get("supplier").list(),
                "product", tables.get("product").list()));
        return "outside";
    }

    @PostMapping("/outside")
    public String run(@RequestParam OutsideStatement statement, @RequestParam long id, RedirectAttributes flash)
            throws SQLException {
        AdminTable table = tables.get(statement.table());
        Long before = table.find(id).map(Row::version).orElse(null);
        int count;
        // Not the application's pool: a connection of its own, in auto-commit, like a DBA's SQL console.
        try (Connection c = DriverManager.getConnection(database.determineUrl(), database.determineUsername(),
                database.determinePassword());
             PreparedStatement s = c.prepareStatement(statement.sql())) {
            s.setLong(1, id);
            count = s.executeUpdate();
        }
        Long after = table.find(id).map(Row::version).orElse(null);
        flash.addFlashAttribute("ran", statement);
        flash.addFlashAttribute("ranId", id);
        flash.addFlashAttribute(count == 1 ? "success" : "warning", count == 1
                ? "Ran outside the app: " + table.singular() + " #" + id + " went from version " + before + " to "
                        + after + ". A form opened before this will now be refused."
                : "No " + table.singular() + " #" + id + ": nothing was updated.");
        return "redirect:/outside";
    }
}
