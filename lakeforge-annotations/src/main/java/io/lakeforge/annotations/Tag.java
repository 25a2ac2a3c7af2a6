package io.lakeforge.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A project custom tag for cost attribution ({@code custom_tags}), used in {@link LakebaseProject#tags()}. */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({})
public @interface Tag {

  /** The tag key; not empty, unique in the project. */
  String key();

  /** The tag value; may be a bundle variable, written {@code "${var.name}"}. */
  String value();
}
