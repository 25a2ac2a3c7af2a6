package io.lakeforge.runtime;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One LakeForge setting, declared once: its builder and property name, the environment variables
 * it is read from, its type, default, description, parser and validation. {@link LakebaseConfig}
 * stores values by setting; {@link LakebaseSettings#all()} enumerates them, so other front ends
 * (a Spring Boot starter's properties, documentation tables) are generated from the same list.
 *
 * @param <T> the value type
 */
public final class Setting<T> {

  /** Says what a valid value looks like, or {@code null} when the value is fine. */
  @FunctionalInterface
  interface Check<T> {
    @Nullable String problem(T value);
  }

  private final String name;
  private final List<String> environmentVariables;
  private final Class<?> type;
  private final @Nullable T defaultValue;
  private final String description;
  private final String expectation;
  private final Function<String, T> parser;
  private final Check<T> check;

  Setting(String name, List<String> environmentVariables, Class<?> type, @Nullable T defaultValue,
      String description, String expectation, Function<String, T> parser, Check<T> check) {
    this.name = name;
    this.environmentVariables = List.copyOf(environmentVariables);
    this.type = type;
    this.defaultValue = defaultValue;
    this.description = description;
    this.expectation = expectation;
    this.parser = parser;
    this.check = check;
  }

  /** The builder method and property name, e.g. {@code acquisitionTimeout}. */
  public String name() {
    return name;
  }

  /** Environment variables read for this setting, the first one set wins; may be empty. */
  public List<String> environmentVariables() {
    return environmentVariables;
  }

  /** The value type ({@code String}, {@code Integer}, {@code Duration}, ...). */
  public Class<?> type() {
    return type;
  }

  /** The default value, or {@code null} when unset by default. */
  public @Nullable T defaultValue() {
    return defaultValue;
  }

  /** What the setting does, in one sentence. */
  public String description() {
    return description;
  }

  /** What a valid value looks like, as used in error messages. */
  public String expectation() {
    return expectation;
  }

  /**
   * Parses and checks a textual value (an environment variable or a property).
   *
   * @param source the variable or property name to put in the error message
   * @throws LakebaseConfigException naming {@code source} and saying what to set
   */
  public T parse(String source, String text) {
    T value;
    try {
      value = Objects.requireNonNull(parser.apply(text.strip()));
    } catch (RuntimeException e) {
      throw invalid(source, "\"" + text + "\"");
    }
    check(source, value);
    return value;
  }

  /** Checks a value; throws naming {@code source} when it is invalid. */
  void check(String source, @Nullable T value) {
    if (value != null && check.problem(value) != null) {
      throw invalid(source, String.valueOf(value));
    }
  }

  private LakebaseConfigException invalid(String source, String shown) {
    String fallback = defaultValue == null ? "unset it" : "unset it for the default (" + defaultValue + ")";
    return new LakebaseConfigException(source, source + "=" + shown + " is not valid. Set "
        + source + " to " + expectation + ", or " + fallback + ".");
  }

  @Override
  public String toString() {
    return "Setting[" + name + (environmentVariables.isEmpty() ? "" : ", " + environmentVariables)
        + "]";
  }
}
