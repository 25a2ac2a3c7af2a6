package io.lakeforge.runtime;

/** Which endpoint of a branch to connect to. */
public enum EndpointKind {
  /** The branch's read-write endpoint ({@code primary}). */
  READ_WRITE,
  /** The branch's read-only endpoint (default {@code readonly}). */
  READ_ONLY
}
