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
 * are not complete within {@code headerSeconds} of the connection or of the request's first byte is closed (a client
 * dripping a header byte at a time, "slowloris", resets every idle timer); a kept-alive connection with no new request
 * within {@code keepAliveSeconds} of its last reply having left is closed (counted from when the reply has left, not
 * from when it was handed over: a large image to a busy client takes a while); a request whose body is not complete
 * within {@code bodySeconds} is answered 400 and closed; beyond {@code maxConnections} a new connection is closed at once.
 * <p>
 * Camel takes the {@link Vertx} it finds in the registry and calls {@code createHttpServer} on it; this one is a proxy
 * of a real Vertx (with the worker pool the doors need) that adds the options and handlers to the server it creates.
 */
public final class HttpServerGuards {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerGuards.class);

    private final Vertx vertx;
    private final int idleSeconds;
    private final int headerSeconds;
    private final int keepAliveSeconds;
    private final int maxConnections;
    private final int bodySeconds;
    /**
     * Request header the server sets (over any the client sent) to when the request's headers were complete, in
     * {@code System.nanoTime()}: the route, run later on a worker, knows how long the request waited for one.
     */
    public static final String ARRIVED_HEADER = "X-Gateway-Arrived-Nanos";
    private static final long WRITE_POLL_MS = 250;
    private static final long SENT_POLL_MS = 20;

    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, Long> headerTimers = new ConcurrentHashMap<>();
    private final java.util.Set<HttpConnection> awaitingRequest = ConcurrentHashMap.newKeySet();

    public HttpServerGuards(int workerThreads, int idleSeconds, int headerSeconds, int keepAliveSeconds, int bodySeconds,
            int maxConnections) {
        this.bodySeconds = bodySeconds;
        this.keepAliveSeconds = keepAliveSeconds;
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
            awaitingRequest.remove(connection);
            Long timer = headerTimers.remove(connection);
            if (timer != null) {
                vertx.cancelTimer(timer);
            }
        });
        if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
            // the first bytes of the next request on a kept-alive connection start that request's header clock
            base.channel().pipeline().addFirst("gateway-request-start", new io.netty.channel.ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                    if (awaitingRequest.remove(connection)) {
                        armTimer(connection, TimeUnit.SECONDS.toMillis(headerSeconds));
                    }
                    ctx.fireChannelRead(msg);
                }
            });
        }
        armTimer(connection, TimeUnit.SECONDS.toMillis(headerSeconds));
    }

    /** Closes the connection when due, unless the timer is cancelled (headers complete) or replaced first. */
    private void armTimer(HttpConnection connection, long delayMs) {
        long timer = vertx.setTimer(delayMs, id -> {
            if (headerTimers.remove(connection, id)) {
                awaitingRequest.remove(connection);
                connection.close();
            }
        });
        Long previous = headerTimers.put(connection, timer);
        if (previous != null) {
            vertx.cancelTimer(previous);
        }
    }

    /** After a reply: once it has left (polled while bytes wait to go out), the keep-alive time for a next request. */
    private void awaitNextRequest(HttpConnection connection) {
        awaitingRequest.add(connection);
        if (!stillWriting(connection)) {
            armTimer(connection, TimeUnit.SECONDS.toMillis(keepAliveSeconds));
            return;
        }
        long poll = vertx.setTimer(WRITE_POLL_MS, id -> {
            if (headerTimers.remove(connection, id) && awaitingRequest.contains(connection)) {
                awaitNextRequest(connection);
            }
        });
        Long previous = headerTimers.put(connection, poll);
        if (previous != null) {
            vertx.cancelTimer(previous);
        }
    }

    /**
     * Runs {@code done} once the connection has no reply bytes left waiting to go out (or is closed): Vert.x calls a
     * response's body-end handler when the reply is handed to Netty, which then holds a copy of it (outside the heap)
     * until a slow client has taken it. Checked on the connection's event loop, after the write queued before it.
     */
    public static void whenSent(HttpConnection connection, Runnable done) {
        if (!(connection instanceof io.vertx.core.net.impl.ConnectionBase base)) {
            done.run();
            return;
        }
        io.netty.channel.Channel channel = base.channel();
        Runnable check = new Runnable() {
            @Override
            public void run() {
                if (!channel.isActive() || !hasPendingBytes(channel)) {
                    done.run();
                } else {
                    channel.eventLoop().schedule(this, SENT_POLL_MS, TimeUnit.MILLISECONDS);
                }
            }
        };
        channel.eventLoop().execute(check);
    }

    /** True while bytes of a reply wait in the connection's outbound buffer (the response has ended, not yet gone). */
    private static boolean stillWriting(HttpConnection connection) {
        return connection instanceof io.vertx.core.net.impl.ConnectionBase base && hasPendingBytes(base.channel());
    }

    private static boolean hasPendingBytes(io.netty.channel.Channel channel) {
        io.netty.channel.ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
        return pending != null && pending.totalPendingWriteBytes() > 0;
    }

    private void headersComplete(HttpServerRequest request) {
        request.headers().set(ARRIVED_HEADER, Long.toString(System.nanoTime()));
        HttpConnection connection = request.connection();
        awaitingRequest.remove(connection);
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
            // keep-alive: a next request may come within the keep-alive time, then its headers get their own
            request.response().endHandler(done -> {
                if (!request.response().closed()) {
                    awaitNextRequest(connection);
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
