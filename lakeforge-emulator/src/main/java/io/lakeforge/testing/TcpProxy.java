package io.lakeforge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, for network faults: {@link #blackHole}
 * keeps accepting and keeps connections open but stops forwarding in both directions (a
 * black-holed path); {@link #answerStartingUp} makes the next logins fail the way a waking
 * PostgreSQL compute does (SQLSTATE 57P03).
 */
public final class TcpProxy implements AutoCloseable {

  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger startingUp = new AtomicInteger();
  private volatile boolean blackHole;
  private volatile boolean closed;

  public TcpProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "tcp-proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  /** Stops (or resumes) forwarding bytes, for open connections and new ones alike. */
  public void blackHole(boolean on) {
    blackHole = on;
  }

  /** The next {@code n} connections get a PostgreSQL "starting up" error (57P03) and are closed. */
  public void answerStartingUp(int n) {
    startingUp.set(n);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        accepted.incrementAndGet();
        sockets.add(client);
        daemon(() -> serve(client), "tcp-proxy-conn");
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try {
      if (startingUp.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        refuseStartingUp(client);
        return;
      }
      if (blackHole) {
        discard(client.getInputStream());
        return;
      }
      Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      sockets.add(upstream);
      daemon(() -> pump(client, upstream), "tcp-proxy-up");
      pump(upstream, client);
    } catch (IOException e) {
      // The connection ended.
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16384];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (!blackHole) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // One side went away.
    } finally {
      quietClose(from);
      quietClose(to);
    }
  }

  private static void discard(InputStream in) throws IOException {
    byte[] buffer = new byte[4096];
    while (in.read(buffer) >= 0) {
      // Swallowed: nothing comes back.
    }
  }

  /** Reads the startup packet and answers an ErrorResponse with SQLSTATE 57P03. */
  private static void refuseStartingUp(Socket client) throws IOException {
    InputStream in = client.getInputStream();
    byte[] length = in.readNBytes(4);
    int n = ByteBuffer.wrap(length).getInt();
    in.readNBytes(n - 4);
    byte[] fields = ("SFATAL\0VFATAL\0C57P03\0Mthe database system is starting up\0\0")
        .getBytes(StandardCharsets.US_ASCII);
    ByteBuffer reply = ByteBuffer.allocate(1 + 4 + fields.length);
    reply.put((byte) 'E').putInt(4 + fields.length).put(fields);
    client.getOutputStream().write(reply.array());
    client.getOutputStream().flush();
    client.close();
  }

  private static void daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void quietClose(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    sockets.forEach(TcpProxy::quietClose);
  }
}
