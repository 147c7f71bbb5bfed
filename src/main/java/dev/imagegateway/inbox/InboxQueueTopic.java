package dev.imagegateway.inbox;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queued inbox: the topic the lines travel on, made when it is missing (with inbox.topic-partitions partitions, more
 * than the consumers of all instances together, and the cluster's default replication), and readiness: DOWN while the
 * brokers do not answer (asked every few seconds by the inbox-queue-probe route). Files then wait in the inbox, and
 * lines already queued wait in Kafka.
 */
public class InboxQueueTopic extends AbstractHealthCheck implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.imagegateway.inbox");

    private final String topic;
    private final int partitions;
    private final Properties clientConfig;
    private final boolean enabled;
    private Admin admin;
    private volatile String failure = "not asked yet";
    private volatile boolean exists;

    /**
     * @param clientProperties the Kafka client's own settings (bootstrap servers, and security when configured)
     * @param enabled          false when the inbox is not queued: no check, no client
     */
    public InboxQueueTopic(Properties clientProperties, String topic, int partitions, boolean enabled) {
        super("gateway", "inbox-queue");
        this.topic = topic;
        this.partitions = partitions;
        this.enabled = enabled;
        this.clientConfig = new Properties();
        clientConfig.putAll(clientProperties);
        clientConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        clientConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    }

    @Override
    public boolean isEnabled() {
        return enabled;
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
                LOG.warn("Kafka does not answer ({}): prompt files wait in the inbox until it does", cause.getClass().getSimpleName());
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
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String why = failure;
        if (why != null) {
            builder.detail("reason", "Kafka (topic " + topic + ") does not answer (" + why + ")").down();
        } else {
            builder.up();
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
