package io.lakeforge.sample.boot;

import static io.lakeforge.sample.boot.db.Tables.NOTES;

import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reads and writes notes through Boot's jOOQ context, which the starter's DataSource backs. The
 * table and its columns are jOOQ classes the LakeForge plugin's {@code jooq} goal generated from
 * {@code db/notes}, the migrations Flyway runs: a dropped column still used here fails the build.
 */
@RestController
public class NotesController {

  private final DSLContext dsl;

  public NotesController(DSLContext dsl) {
    this.dsl = dsl;
  }

  @PostMapping("/notes")
  @ResponseStatus(HttpStatus.CREATED)
  public Map<String, Object> add(@RequestBody String body) {
    Long id = dsl.insertInto(NOTES).set(NOTES.BODY, body).returningResult(NOTES.ID)
        .fetchOne(NOTES.ID);
    return Map.of("id", id, "body", body);
  }

  @GetMapping("/notes")
  public List<String> list() {
    return dsl.select(NOTES.BODY).from(NOTES).orderBy(NOTES.ID).fetch(NOTES.BODY);
  }

  /** The query the benchmark measures: one short read. */
  @GetMapping("/notes/count")
  public int count() {
    return dsl.fetchCount(NOTES);
  }
}
