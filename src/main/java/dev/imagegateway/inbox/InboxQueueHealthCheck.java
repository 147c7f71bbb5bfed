package dev.imagegateway.inbox;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness with a queued inbox: DOWN while the Kafka brokers do not answer or the topic is not there yet. Files dropped
 * meanwhile wait in INBOX_DIR/.retry/; lines already queued wait in Kafka; the other doors are served.
 */
public class InboxQueueHealthCheck extends AbstractHealthCheck {

    private final InboxQueueTopic topic;

    public InboxQueueHealthCheck(InboxQueueTopic topic) {
        super("gateway", "inbox-queue");
        this.topic = topic;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String why = topic.failure();
        if (why != null || !topic.ready()) {
            builder.detail("reason", "Kafka (topic " + topic.topic() + ") does not answer (" + why + ")").down();
        } else {
            builder.up();
        }
    }
}
