package dev.imagegateway.inbox;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queued inbox: the topic the lines travel on, made when it is missing (with inbox.topic-partitions partitions, more
 * than the consumers of all instances together, and the cluster's default replication) before anything is sent to it
 * or read from it (a broker that makes topics on first use would make it with one partition), and whether the brokers
 * answer, asked every few seconds by the inbox-queue-probe route (readiness: {@link InboxQueueHealthCheck}).
 */
public class InboxQueueTopic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");

    private final String topic;
    private final int partitions;
    private final Properties clientConfig;
    private final boolean enabled;
    private Admin admin;
    private Runnable onceReady;
    private volatile String failure = "not asked yet";
    private volatile boolean exists;

    /**
     * @param clientProperties the Kafka client's own settings (bootstrap servers, and security when configured)
     * @param enabled          false when the inbox is not queued: no check, no client
     */
    public InboxQueueTopic(Properties clientProperties, String topic, int partitions, boolean enabled) {
        this.topic = topic;
        this.partitions = partitions;
        this.enabled = enabled;
        this.clientConfig = new Properties();
        clientConfig.putAll(clientProperties);
        clientConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        clientConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    }

    /** Run once, the first time the topic is known to be there (starts the consumers). */
    public void onceReady(Runnable action) {
        this.onceReady = action;
    }

    /** True once the topic is there and while the brokers answer. */
    public boolean ready() {
        return exists && failure == null;
    }

    /** Why the brokers do not answer, or null. */
    public String failure() {
        return failure;
    }

    public String topic() {
        return topic;
    }

    /** Do the brokers answer, and is the topic there (made if not)? */
    public synchronized void probe() {
        if (!enabled) {
            return;
        }
        try {
            if (admin == null) {
                admin = Admin.create(clientConfig);
            }
            if (!exists) {
                if (!admin.listTopics().names().get(5, TimeUnit.SECONDS).contains(topic)) {
                    create();
                }
                exists = true;
                failure = null;
                if (onceReady != null) {
                    Runnable action = onceReady;
                    onceReady = null;
                    action.run();
                }
            } else {
                admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
            }
            if (failure != null && !"not asked yet".equals(failure)) {
                LOG.info("Kafka answers again: batch lines flow on topic {}", topic);
            }
            failure = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (failure == null || "not asked yet".equals(failure)) {
                LOG.warn("Kafka does not answer ({}): prompt files wait in INBOX_DIR/.retry/ until it does", cause.getClass().getSimpleName());
            }
            failure = cause.getClass().getSimpleName();
        }
    }

    private void create() throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()))).all()
                    .get(10, TimeUnit.SECONDS);
            LOG.info("Kafka topic {} made with {} partitions", topic, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
