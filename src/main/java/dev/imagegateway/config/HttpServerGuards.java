package dev.imagegateway.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits on the HTTP server's connections, which camel-platform-http builds with Vert.x's default options (no idle
 * timeout, no cap, no limit on how long request headers may take): a connection idle for {@code idleSeconds} is closed
 * (longer than any call may take: Vert.x counts a connection waiting for its reply as idle); one whose request headers
 * are not complete within {@code headerSeconds} is closed (a client dripping a header byte at a time, "slowloris",
 * resets every idle timer), which also ends kept-alive connections left unused that long; a request whose body is not
 * complete within {@code bodySeconds} is answered 400 and closed; beyond {@code maxConnections} a new connection is
 * closed at once.
 * <p>
 * Camel takes the {@link Vertx} it finds in the registry and calls {@code createHttpServer} on it; this one is a proxy
 * of a real Vertx (with the worker pool the doors need) that adds the options and handlers to the server it creates.
 */
public final class HttpServerGuards {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerGuards.class);

    private final Vertx vertx;
    private final int idleSeconds;
    private final int headerSeconds;
    private final int maxConnections;
    private final int bodySeconds;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, Long> headerTimers = new ConcurrentHashMap<>();

    public HttpServerGuards(int workerThreads, int idleSeconds, int headerSeconds, int bodySeconds, int maxConnections) {
        this.bodySeconds = bodySeconds;
        this.vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(workerThreads));
        this.idleSeconds = idleSeconds;
        this.headerSeconds = headerSeconds;
        this.maxConnections = maxConnections;
    }

    /** The Vertx for the registry: the real one, but its HTTP servers get the limits. */
    public Vertx vertx() {
        return (Vertx) Proxy.newProxyInstance(Vertx.class.getClassLoader(), new Class<?>[] {Vertx.class}, (proxy, method, args) -> {
            if (method.getName().equals("createHttpServer")) {
                HttpServerOptions options = args == null || args.length == 0 ? new HttpServerOptions()
                        : new HttpServerOptions((HttpServerOptions) args[0]);
                return guarded(vertx.createHttpServer(limits(options)));
            }
            return invoke(vertx, method, args);
        });
    }

    /** Closes the real Vertx (the registry's is not Camel's to close). */
    public void close() {
        vertx.close();
    }

    public int openConnections() {
        return open.get();
    }

    private HttpServerOptions limits(HttpServerOptions options) {
        // no HTTP/2 over cleartext: a connection is then known from its first packet, not from its first request bytes,
        // so the cap counts silent ones too (HTTP/2 stays available over TLS, by ALPN)
        return options.setIdleTimeout(idleSeconds).setIdleTimeoutUnit(TimeUnit.SECONDS).setHttp2ClearTextEnabled(false);
    }

    private HttpServer guarded(HttpServer server) {
        server.connectionHandler(this::connected);
        // the request handler Camel sets runs once a request's headers are complete: that stops the header clock
        return (HttpServer) Proxy.newProxyInstance(HttpServer.class.getClassLoader(), new Class<?>[] {HttpServer.class}, (proxy, method, args) -> {
            if (method.getName().equals("requestHandler") && args != null && args.length == 1) {
                @SuppressWarnings("unchecked")
                Handler<HttpServerRequest> handler = (Handler<HttpServerRequest>) args[0];
                server.requestHandler(request -> {
                    headersComplete(request);
                    handler.handle(request);
                });
                return proxy;
            }
            if (method.getName().equals("connectionHandler")) {
                return proxy; // ours stays
            }
            Object result = invoke(server, method, args);
            return result == server ? proxy : result;
        });
    }

    private void connected(HttpConnection connection) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            LOG.warn("HTTP connection refused: {} open, HTTP_MAX_CONNECTIONS is {}", maxConnections, maxConnections);
            connection.close();
            return;
        }
        connection.closeHandler(closed -> {
            open.decrementAndGet();
            Long timer = headerTimers.remove(connection);
            if (timer != null) {
                vertx.cancelTimer(timer);
            }
        });
        armHeaderTimer(connection);
    }

    private void armHeaderTimer(HttpConnection connection) {
        long timer = vertx.setTimer(TimeUnit.SECONDS.toMillis(headerSeconds), id -> {
            if (headerTimers.remove(connection, id)) {
                if (stillWriting(connection)) {
                    // the last reply (a large image to a busy client) is still going out: its client cannot have
                    // sent the next request yet, so the time for those headers has not started
                    armHeaderTimer(connection);
                } else {
                    connection.close();
                }
            }
        });
        Long previous = headerTimers.put(connection, timer);
        if (previous != null) {
            vertx.cancelTimer(previous);
        }
    }

    /** True while bytes of a reply wait in the connection's outbound buffer (the response has ended, not yet gone). */
    private static boolean stillWriting(HttpConnection connection) {
        if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
            io.netty.channel.ChannelOutboundBuffer pending = base.channel().unsafe().outboundBuffer();
            return pending != null && pending.totalPendingWriteBytes() > 0;
        }
        return false;
    }

    private void headersComplete(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        Long timer = headerTimers.remove(connection);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
        // the body must follow within its time too: one that never completes (a Content-Length beside chunked
        // encoding with a body that is not chunked, a client that stops sending) is answered 400 and closed
        // weakly: a timer that outlives its request must not keep it (and the reply it wrote) in memory
        java.lang.ref.WeakReference<HttpServerRequest> weak = new java.lang.ref.WeakReference<>(request);
        vertx.setTimer(TimeUnit.SECONDS.toMillis(bodySeconds), id -> {
            HttpServerRequest pending = weak.get();
            if (pending != null && !pending.isEnded() && !pending.response().ended() && !pending.response().closed()) {
                LOG.debug("HTTP request body not complete after {} s: answered 400 and closed", bodySeconds);
                pending.response().setStatusCode(400).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                        .end("{\"error\":\"The request body did not arrive complete (broken framing, or too slow)\"}")
                        .onComplete(done -> pending.connection().close());
            }
        });
        if (request.version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            // keep-alive: the next request's headers get the same time, counted from this response's end
            request.response().endHandler(done -> {
                if (!request.response().closed()) {
                    armHeaderTimer(connection);
                }
            });
        }
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
