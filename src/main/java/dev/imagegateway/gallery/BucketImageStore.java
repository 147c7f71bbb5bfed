package dev.imagegateway.gallery;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The images in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, S3Proxy) that several gateways share: written by
 * the save route's {@code aws2-s3:} endpoint with this store's client, read back here; what each was made from is the
 * object {@code .meta/<name>.json} beside it. With presigned URLs on, clients fetch images from the bucket directly
 * (a URL valid for the configured time) instead of through the gateway.
 */
public class BucketImageStore implements ImageStore {

    private static final String META = ".meta/";

    private final S3Client client;
    private final S3Presigner presigner;
    private final String bucket;
    private final Duration presignedFor;

    /**
     * @param presigner    null unless IMAGE_URLS=presigned
     * @param presignedFor how long a presigned URL works
     */
    public BucketImageStore(S3Client client, S3Presigner presigner, String bucket, Duration presignedFor) {
        this.client = client;
        this.presigner = presigner;
        this.bucket = bucket;
        this.presignedFor = presignedFor;
    }

    @Override
    public void forEach(Consumer<Entry> each) throws IOException {
        try {
            // the images are at the top of the bucket; .meta/ and anything under a folder is skipped by the delimiter
            for (S3Object object : client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).delimiter("/").build()).contents()) {
                if (ImageFileReader.isImageName(object.key())) {
                    each.accept(new Entry(object.key(), object.lastModified().toEpochMilli(), object.size()));
                }
            }
        } catch (S3Exception e) {
            throw new IOException("Bucket " + bucket + " cannot be listed: " + reason(e), e);
        }
    }

    @Override
    public Entry entry(String name) throws IOException {
        if (!ImageFileReader.isImageName(name)) {
            return null;
        }
        HeadObjectResponse head = orNull(() -> client.headObject(b -> b.bucket(bucket).key(name)));
        return head == null ? null : new Entry(name, head.lastModified().toEpochMilli(), head.contentLength());
    }

    @Override
    public byte[] read(String name) throws IOException {
        if (!ImageFileReader.isImageName(name)) {
            return null;
        }
        return get(name);
    }

    @Override
    public void writeMetadata(String name, byte[] json) throws IOException {
        try {
            client.putObject(b -> b.bucket(bucket).key(META + name + ".json").contentType("application/json"), RequestBody.fromBytes(json));
        } catch (S3Exception e) {
            throw new IOException("Bucket " + bucket + ": " + reason(e), e);
        }
    }

    @Override
    public byte[] readMetadata(String name) throws IOException {
        return ImageFileReader.isImageName(name) ? get(META + name + ".json") : null;
    }

    @Override
    public String directUrl(String name) {
        if (presigner == null) {
            return null;
        }
        return presigner.presignGetObject(p -> p.signatureDuration(presignedFor)
                .getObjectRequest(g -> g.bucket(bucket).key(name))).url().toString();
    }

    @Override
    public String unavailable() {
        try {
            client.headBucket(b -> b.bucket(bucket));
            return null;
        } catch (S3Exception e) {
            // 403: the credentials may put and get objects without listing the bucket; it answered, which is the question
            return e.statusCode() == 403 ? null : "bucket " + bucket + ": " + reason(e);
        } catch (RuntimeException e) {
            return "bucket " + bucket + " cannot be reached (" + e.getClass().getSimpleName() + ")";
        }
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public String describe() {
        return "bucket " + bucket;
    }

    private byte[] get(String key) throws IOException {
        ResponseBytes<GetObjectResponse> bytes = orNull(() -> client.getObjectAsBytes(b -> b.bucket(bucket).key(key)));
        return bytes == null ? null : bytes.asByteArray();
    }

    /** A call's answer; null for an object that is not there; an IOException for a bucket that fails or is away. */
    private <T> T orNull(java.util.function.Supplier<T> call) throws IOException {
        try {
            return call.get();
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            // a 404 is a missing object, unless S3 says the bucket itself is missing (a HEAD's 404 carries no code)
            boolean noBucket = e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
            if (e.statusCode() == 404 && !noBucket) {
                return null;
            }
            throw new IOException("Bucket " + bucket + ": " + reason(e), e);
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new IOException("Bucket " + bucket + " cannot be reached: " + e.getClass().getSimpleName(), e);
        }
    }

    /** What S3 said, without the request's signature or credentials. */
    static String reason(S3Exception e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                ? "HTTP " + e.statusCode() + " " + e.awsErrorDetails().errorCode() : "HTTP " + e.statusCode();
    }
}
