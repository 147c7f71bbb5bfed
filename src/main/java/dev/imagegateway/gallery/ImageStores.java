package dev.imagegateway.gallery;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The image store the settings choose: IMAGES_DIR (default), or the bucket IMAGES_BUCKET names, reached at
 * IMAGES_S3_ENDPOINT (MinIO, Ceph, R2, S3Proxy; empty: AWS) with IMAGES_S3_ACCESS_KEY / IMAGES_S3_SECRET_KEY (empty:
 * the AWS default credentials chain). The bucket's client is bound as {@code imagesS3Client} for the save route's
 * {@code aws2-s3:} endpoint, and the route to use as {@code gateway.image-store} (folder or bucket).
 */
public final class ImageStores {

    private ImageStores() {
    }

    public static ImageStore open(CamelContext context, PropertiesComponent pc, Path imagesDir) {
        String bucket = setting(pc, "images.bucket");
        if (bucket.isEmpty()) {
            pc.addOverrideProperty("gateway.image-store", "folder");
            pc.addOverrideProperty("gateway.images-bucket", "none");
            return new FolderImageStore(imagesDir);
        }
        String endpoint = setting(pc, "images.s3-endpoint");
        String region = setting(pc, "images.s3-region");
        String accessKey = setting(pc, "images.s3-access-key");
        String secretKey = setting(pc, "images.s3-secret-key");
        boolean pathStyle = Boolean.parseBoolean(setting(pc, "images.s3-path-style"));
        AwsCredentialsProvider credentials = accessKey.isEmpty()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
        Region awsRegion = Region.of(region.isEmpty() ? "us-east-1" : region);
        S3Configuration s3 = S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build();
        // checksums only where S3 requires them: the SDK's default trailing checksums (2.30+) are refused by many
        // S3-compatible servers (MinIO before 2025, Ceph, R2, S3Proxy) with "x-amz-content-sha256 does not match"
        // bounded calls: a bucket that does not answer fails a save (and readiness) in seconds, not after the SDK's retries
        var builder = S3Client.builder().region(awsRegion).credentialsProvider(credentials).serviceConfiguration(s3)
                .overrideConfiguration(c -> c.apiCallAttemptTimeout(Duration.ofSeconds(10)).apiCallTimeout(Duration.ofSeconds(30)))
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED);
        if (!endpoint.isEmpty()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        S3Client client = builder.build();
        S3Presigner presigner = null;
        if ("presigned".equals(setting(pc, "image.urls"))) {
            var presignerBuilder = S3Presigner.builder().region(awsRegion).credentialsProvider(credentials).serviceConfiguration(s3);
            if (!endpoint.isEmpty()) {
                presignerBuilder.endpointOverride(URI.create(endpoint));
            }
            presigner = presignerBuilder.build();
        }
        context.getRegistry().bind("imagesS3Client", client);
        pc.addOverrideProperty("gateway.image-store", "bucket");
        pc.addOverrideProperty("gateway.images-bucket", bucket);
        long expiry = Long.parseLong(setting(pc, "image.urls-expiry-seconds").isEmpty() ? "3600" : setting(pc, "image.urls-expiry-seconds"));
        if (expiry < 1 || expiry > 604_800) {
            // SigV4 presigned URLs last at most 7 days: a longer one would fail on every reply, after the image was paid
            throw new IllegalArgumentException("IMAGE_URLS_EXPIRY_SECONDS must be from 1 to 604800 (7 days)");
        }
        S3Presigner closingPresigner = presigner;
        context.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                client.close();
                if (closingPresigner != null) {
                    closingPresigner.close();
                }
            }
        });
        return new BucketImageStore(client, presigner, bucket, Duration.ofSeconds(expiry));
    }

    private static String setting(PropertiesComponent pc, String key) {
        return pc.resolveProperty(key).map(String::trim).orElse("");
    }
}
