package dev.eio.process;

/**
 * The executable named by a command could not be found: not on {@code PATH} when the name has no
 * {@code /}, or not an existing executable file when it does.
 *
 * <pre>{@code
 * try {
 *   processes.run(List.of("frobnicate"));
 * } catch (ExecutableNotFoundException e) {
 *   e.executable(); // "frobnicate"
 * }
 * }</pre>
 */
public final class ExecutableNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String executable;

  /**
   * The executable {@code executable} was not found; {@code where} says where we looked. The
   * message shows at most a few hundred characters of each; {@link #executable()} has it all.
   */
  public ExecutableNotFoundException(String executable, String where) {
    super(
        "executable not found: " + CommandText.of(executable) + " (" + CommandText.of(where) + ")");
    this.executable = executable;
  }

  /** The name as given in the command. */
  public String executable() {
    return executable;
  }
}
