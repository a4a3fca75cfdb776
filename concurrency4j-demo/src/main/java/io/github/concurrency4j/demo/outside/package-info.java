/**
 * The "outside write" panel: fixed UPDATE statements run over a connection of their own, as a DBA's SQL console or
 * another team's service would, to show the supplier table's trigger version catching writes the app never saw.
 */
package io.github.concurrency4j.demo.outside;
