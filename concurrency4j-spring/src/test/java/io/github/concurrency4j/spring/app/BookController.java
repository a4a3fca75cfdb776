package io.github.concurrency4j.spring.app;

import io.github.concurrency4j.spring.web.VersionToken;
import io.github.concurrency4j.token.TokenPurpose;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Forms for a JPA entity. */
@Controller
class BookController {
    private final BookRepository books;
    private final BookService service;

    BookController(BookRepository books, BookService service) {
        this.books = books;
        this.service = service;
    }

    @GetMapping("/books/{id}/edit")
    String edit(@PathVariable long id, Model model) {
        model.addAttribute("book", books.findById(id).orElseThrow());
        return "jpa/edit";
    }

    @PostMapping("/books/{id}")
    String save(@PathVariable long id, @VersionToken(table = "Book") long version, @RequestParam String title,
                @RequestParam int price) {
        service.save(id, version, title, price);
        return "redirect:/books/" + id + "/edit";
    }

    @PostMapping("/books/{id}/naive")
    String saveNaively(@PathVariable long id, @VersionToken(table = "Book") long version, @RequestParam String title,
                       @RequestParam int price) {
        service.saveNaively(id, version, title, price);
        return "redirect:/books/" + id + "/edit";
    }

    @PostMapping("/books/{id}/detached")
    String saveDetached(@PathVariable long id, @VersionToken(table = "Book") long version,
                        @RequestParam String title, @RequestParam String author, @RequestParam int price) {
        service.saveDetachedCopy(id, version, title, author, price);
        return "redirect:/books/" + id + "/edit";
    }

    @GetMapping("/books/{id}/delete")
    String confirmDelete(@PathVariable long id, Model model) {
        model.addAttribute("book", books.findById(id).orElseThrow());
        return "jpa/delete";
    }

    @PostMapping("/books/{id}/delete")
    String delete(@PathVariable long id, @VersionToken(table = "Book", purpose = TokenPurpose.DELETE) long version) {
        service.delete(id, version);
        return "redirect:/books";
    }
}
