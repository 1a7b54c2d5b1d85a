package io.vipd.daemon.admin;

/**
 * The answer to a runtime operation on the admin API: an HTTP status and one line of text.
 *
 * @param status 200 done, 400 bad value, 404 unknown name or feature not configured, 500 could not
 *     be done (the system refused)
 * @param message one line, without the trailing newline
 */
public record OperationResult(int status, String message) {

  static OperationResult ok(String message) {
    return new OperationResult(200, message);
  }

  static OperationResult notFound(String message) {
    return new OperationResult(404, message);
  }

  static OperationResult badRequest(String message) {
    return new OperationResult(400, message);
  }

  static OperationResult failed(String message) {
    return new OperationResult(500, message);
  }
}
