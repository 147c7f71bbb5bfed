package dev.imagegateway.security;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.imagegateway.routes.GatewayTestSupport;
import imagegeneration.ImageGenerationServiceGrpc;
import imagegeneration.ImageRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** TLS_CERT and TLS_KEY (PEM, made here by openssl): HTTPS on the HTTP port, TLS with client certificates on gRPC. */
class TlsTest extends GatewayTestSupport {

    private static final Path DIR = certificates();

    private static Path certificates() {
        try {
            Path dir = Files.createTempDirectory("gateway-tls");
            Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "2")
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            openssl.getInputStream().readAllBytes();
            if (!openssl.waitFor(60, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
                throw new IllegalStateException("openssl could not make a test certificate");
            }
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("openssl is needed for this test (.ci/run installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Properties gatewayProperties() {
        Properties p = new Properties();
        p.setProperty("image.provider", "local");
        p.setProperty("tls.cert", DIR.resolve("cert.pem").toString());
        p.setProperty("tls.key", DIR.resolve("key.pem").toString());
        p.setProperty("tls.client-ca", DIR.resolve("cert.pem").toString());
        return p;
    }

    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            trust.setCertificateEntry("gateway", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    @Test
    void restIsServedOverHttpsOnly() throws Exception {
        HttpClient https = HttpClient.newBuilder().sslContext(trusting(DIR.resolve("cert.pem"))).build();
        HttpResponse<String> response = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpPort() + "/generate"))
                .header("Content-Type", "application/json").header("X-API-KEY", KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"over TLS\",\"size\":\"1024x1024\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(200, https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + httpPort() + "/observe/health/live"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + httpPort() + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void grpcIsServedOverTlsToClientsWithACertificate() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", grpcPort())
                .sslContext(GrpcSslContexts.forClient().trustManager(DIR.resolve("cert.pem").toFile())
                        .keyManager(DIR.resolve("cert.pem").toFile(), DIR.resolve("key.pem").toFile()).build())
                .maxInboundMessageSize(64 * 1024 * 1024).build();
        try {
            String filename = ImageGenerationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .generateImage(ImageRequest.newBuilder().setPrompt("over TLS").setApiKey(KEY).build()).getFilename();
            assertFalse(filename.isEmpty());
        } finally {
            channel.shutdownNow();
        }
    }
}
