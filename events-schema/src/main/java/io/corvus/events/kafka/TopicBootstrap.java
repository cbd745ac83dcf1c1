package io.corvus.events.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.corvus.events.Topic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Makes the broker hold every topic of the catalog. Creates what is missing and leaves what exists
 * alone: a topic whose partition count or settings differ from the catalog is reported as a
 * {@link BootstrapReport.Drift}, never silently changed (fewer partitions cannot be added back,
 * and more would move clusters to other partitions).
 */
public final class TopicBootstrap {

    private static final long TIMEOUT_SECONDS = 30;
    private static final int METADATA_ATTEMPTS = 25;

    private final Admin admin;

    public TopicBootstrap(Admin admin) {
        this.admin = admin;
    }

    public BootstrapReport ensureTopics() {
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<String> created = new ArrayList<>();
            List<Topic> toCheck = new ArrayList<>();
            for (Topic topic : Topic.values()) {
                if (existing.contains(topic.topicName()) || !create(topic)) {
                    toCheck.add(topic);
                } else {
                    created.add(topic.topicName());
                }
            }
            List<BootstrapReport.Drift> drifts = compare(toCheck);
            List<String> unchanged = toCheck.stream().map(Topic::topicName)
                    .filter(name -> drifts.stream().noneMatch(d -> d.topic().equals(name)))
                    .toList();
            return new BootstrapReport(created, unchanged, drifts);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the Corvus topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the Corvus topics: " + e.getMessage(), e);
        }
    }

    /**
     * How the topics on the broker differ from the catalog, changing nothing: a missing topic is
     * a drift of its setting {@code exists}. For {@code corvus diagnose}.
     */
    public List<BootstrapReport.Drift> inspect() {
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<BootstrapReport.Drift> drifts = new ArrayList<>();
            List<Topic> present = new ArrayList<>();
            for (Topic topic : Topic.values()) {
                if (existing.contains(topic.topicName())) {
                    present.add(topic);
                } else {
                    drifts.add(new BootstrapReport.Drift(topic.topicName(), "exists", "no", "yes"));
                }
            }
            drifts.addAll(compare(present));
            return drifts;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the Corvus topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the Corvus topics: " + e.getMessage(), e);
        }
    }

    /** @return false when someone else created the topic first */
    private boolean create(Topic topic) throws InterruptedException, ExecutionException, TimeoutException {
        NewTopic newTopic = new NewTopic(topic.topicName(), Optional.of(topic.partitions()), Optional.empty())
                .configs(topic.kafkaConfigs());
        try {
            admin.createTopics(List.of(newTopic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }

    private List<BootstrapReport.Drift> compare(Collection<Topic> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return List.of();
        }
        List<String> names = topics.stream().map(Topic::topicName).toList();
        Map<String, TopicDescription> descriptions = describe(names);
        List<ConfigResource> resources = names.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

        List<BootstrapReport.Drift> drifts = new ArrayList<>();
        for (Topic topic : topics) {
            int partitions = descriptions.get(topic.topicName()).partitions().size();
            if (partitions != topic.partitions()) {
                drifts.add(new BootstrapReport.Drift(topic.topicName(), "partitions",
                        String.valueOf(partitions), String.valueOf(topic.partitions())));
            }
            Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.topicName()));
            topic.kafkaConfigs().forEach((setting, expected) -> {
                String value = actual.get(setting) == null ? null : actual.get(setting).value();
                if (!expected.equals(value)) {
                    drifts.add(new BootstrapReport.Drift(topic.topicName(), setting, value, expected));
                }
            });
        }
        return drifts;
    }

    /** A topic created a moment ago may not be known to every part of the broker yet: ask again briefly. */
    private Map<String, TopicDescription> describe(List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        for (int attempt = 1; ; attempt++) {
            try {
                return admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == METADATA_ATTEMPTS) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }
}
