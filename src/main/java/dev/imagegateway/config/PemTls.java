package dev.imagegateway.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * TLS for the HTTP server from PEM files, as operators have them: a certificate chain and an unencrypted PKCS#8
 * private key ({@code -----BEGIN PRIVATE KEY-----}, what {@code openssl genpkey} and {@code openssl req -nodes}
 * write), turned into the in-memory key store Camel's SSL parameters take.
 */
final class PemTls {

    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private PemTls() {
    }

    static SSLContextParameters serverParameters(Path certificate, Path privateKey) {
        try {
            Certificate[] chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certificate))).toArray(new Certificate[0]);
            if (chain.length == 0) {
                throw new IllegalArgumentException("TLS_CERT " + certificate + " holds no certificate");
            }
            PrivateKey key = privateKey(Files.readString(privateKey, StandardCharsets.US_ASCII), chain[0].getPublicKey().getAlgorithm());
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("gateway", key, IN_MEMORY, chain);
            KeyStoreParameters storeParameters = new KeyStoreParameters();
            storeParameters.setKeyStore(store);
            KeyManagersParameters keyManagers = new KeyManagersParameters();
            keyManagers.setKeyStore(storeParameters);
            keyManagers.setKeyPassword(new String(IN_MEMORY));
            SSLContextParameters parameters = new SSLContextParameters();
            parameters.setKeyManagers(keyManagers);
            return parameters;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot read TLS_CERT / TLS_KEY: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(String pem, String algorithm) throws GeneralSecurityException {
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalArgumentException("TLS_KEY must be an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----); "
                    + "convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
        }
        String base64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"))
                .replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
