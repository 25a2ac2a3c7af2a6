package io.lakeforge.runtime;

/** Missing or malformed configuration; the message names the variable and how to fix it. */
public final class LakebaseConfigException extends LakebaseException {
  private static final long serialVersionUID = 1L;

  private final String variable;

  /**
   * @param variable the environment variable or builder property at fault
   * @param message what is wrong and what to set
   */
  public LakebaseConfigException(String variable, String message) {
    super(message);
    this.variable = variable;
  }

  /** The environment variable (or builder property) at fault, e.g. {@code PGPORT}. */
  public String variable() {
    return variable;
  }
}
