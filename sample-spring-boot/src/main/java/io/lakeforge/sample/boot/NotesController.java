package io.lakeforge.sample.boot;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Reads and writes notes through Boot's jOOQ context, which the starter's DataSource backs. */
@RestController
public class NotesController {

  static final Table<?> NOTES = table("notes");
  static final Field<Long> ID = field("id", Long.class);
  static final Field<String> BODY = field("body", String.class);

  private final DSLContext dsl;

  public NotesController(DSLContext dsl) {
    this.dsl = dsl;
  }

  @PostMapping("/notes")
  @ResponseStatus(HttpStatus.CREATED)
  public Map<String, Object> add(@RequestBody String body) {
    Long id = dsl.insertInto(NOTES).set(BODY, body).returningResult(ID).fetchOne(ID);
    return Map.of("id", id, "body", body);
  }

  @GetMapping("/notes")
  public List<String> list() {
    return dsl.select(BODY).from(NOTES).orderBy(ID).fetch(BODY);
  }

  /** The query the benchmark measures: one short read. */
  @GetMapping("/notes/count")
  public int count() {
    return dsl.fetchCount(NOTES);
  }
}
