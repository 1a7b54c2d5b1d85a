package io.vipd.daemon.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.0 over a plain socket opened by the calling thread, so that it also works from a thread
 * inside a network namespace (the JDK's HttpClient opens its sockets on its own threads).
 */
final class RawHttp {

  /** A response: status code and body. */
  record Response(int status, String headers, String body) {}

  private RawHttp() {}

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  static Response get(String host, int port, String path, String token) throws IOException {
    return request("GET", host, port, path, token);
  }

  /** As above, waiting up to {@code readTimeout} for the answer. */
  static Response get(String host, int port, String path, String token, Duration readTimeout)
      throws IOException {
    return request("GET", host, port, path, token, readTimeout);
  }

  static Response request(String method, String host, int port, String path, String token)
      throws IOException {
    return request(method, host, port, path, token, READ_TIMEOUT);
  }

  private static Response request(
      String method, String host, int port, String path, String token, Duration readTimeout)
      throws IOException {
    return request(method, host, port, path, token, readTimeout, "Host: " + host);
  }

  /**
   * As {@link #request(String, String, int, String, String)}, with {@code headers} (lines without
   * their line breaks, a Host among them) in place of the Host header.
   */
  static Response requestWith(
      String method, String host, int port, String path, String token, String... headers)
      throws IOException {
    return request(method, host, port, path, token, READ_TIMEOUT, headers);
  }

  private static Response request(
      String method,
      String host,
      int port,
      String path,
      String token,
      Duration readTimeout,
      String... headers)
      throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 5000);
      s.setSoTimeout((int) readTimeout.toMillis());
      StringBuilder req = new StringBuilder();
      req.append(method).append(' ').append(path).append(" HTTP/1.0\r\n");
      for (String h : headers) {
        req.append(h).append("\r\n");
      }
      if (token != null) {
        req.append("Authorization: Bearer ").append(token).append("\r\n");
      }
      req.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int end = all.indexOf("\r\n\r\n");
      if (end < 0) {
        throw new IOException("no complete HTTP response: " + all);
      }
      String head = all.substring(0, end);
      int status = Integer.parseInt(head.split(" ", 3)[1]);
      return new Response(status, head, all.substring(end + 4));
    }
  }
}
