package io.corvus.events.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import io.corvus.events.ExampleEvents;
import io.corvus.events.codec.EventCodec;
import io.corvus.events.codec.EventFormatException;
import io.corvus.events.codec.EventType;
import io.corvus.events.payload.AgentHeartbeat;
import io.corvus.events.payload.CloudState;
import io.corvus.events.payload.ConfigChanged;
import io.corvus.events.payload.CorvusEvent;
import io.corvus.events.payload.GatewayTopology;
import io.corvus.events.payload.NetworkConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private final EventCodec codec = ExampleEvents.reproducibleCodec();
    private final ObjectMapper json = new ObjectMapper();

    static Stream<CorvusEvent> examples() {
        return ExampleEvents.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyEventTypeSurvivesARoundTripThroughKafkaRecords(CorvusEvent example) {
        ProducerRecord<String, byte[]> record = codec.toRecord(example, "test");

        CorvusEvent read = codec.fromRecord(record.topic(), record.headers(), record.value());

        assertThat(read).isEqualTo(example);
        assertThat(record.key()).isEqualTo(example.recordKey());
        assertThat(record.topic()).isEqualTo(EventType.of(example).topic().topicName());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void theGoldenFileOfEveryTypeStillReadsAsTheExample(CorvusEvent example) throws IOException {
        EventType type = EventType.of(example);
        byte[] golden = golden(type);

        CorvusEvent read = codec.fromRecord(type.topic().topicName(), structuredHeaders(), golden);

        assertThat(read).as("an old reader's event must still be read the same way").isEqualTo(example);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void todaysEncodingStillMatchesTheGoldenFile(CorvusEvent example) throws IOException {
        EventType type = EventType.of(example);
        byte[] encoded = codec.toRecord(example, "test").value();
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(GOLDEN.resolve(type.cloudEventType() + ".json"),
                    json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(encoded)) + "\n");
        }

        assertThat(json.readTree(encoded))
                .as("changing the wire form of %s breaks old readers: add a v2 type instead", type.cloudEventType())
                .isEqualTo(json.readTree(golden(type)));
    }

    @Test
    void unknownFieldsFromANewerWriterAreTolerated() throws IOException {
        ObjectNode event = (ObjectNode) json.readTree(golden(EventType.CONFIG_CHANGED));
        ((ObjectNode) event.get("data")).put("addedInAFutureVersion", "ignored");
        ((ObjectNode) event.get("data").get("config")).putObject("futureSection").put("x", 1);

        CorvusEvent read = codec.fromRecord("corvus.config.v1", structuredHeaders(), json.writeValueAsBytes(event));

        assertThat(read).isEqualTo(ExampleEvents.configChanged());
    }

    @Test
    void aCloudStateWrittenBeforeTheEipBandwidthFieldStillReadsWithTheBandwidthUnknown() throws IOException {
        byte[] older = Files.readAllBytes(GOLDEN.resolve("io.corvus.cloudstate.changed.v1.before-eip-bandwidth.json"));

        CloudState read = (CloudState) codec.fromRecord("corvus.cloud-state.v1", structuredHeaders(), older);

        CloudState example = ExampleEvents.cloudState();
        assertThat(read.eipBandwidthMbps()).isNull();
        assertThat(read.ravenConfig()).isEqualTo(example.ravenConfig());
    }

    @Test
    void aTopologyWrittenBeforeTheWhitelistFieldStillReadsAsAcceptingEverySource() throws IOException {
        byte[] older = Files.readAllBytes(GOLDEN.resolve("io.corvus.topology.changed.v1.before-acl.json"));

        GatewayTopology read = (GatewayTopology) codec.fromRecord("corvus.topology.v1", structuredHeaders(), older);

        assertThat(read.accessControlList()).isEmpty();
        assertThat(read.endpoints()).isEqualTo(ExampleEvents.gatewayTopology().endpoints());
    }

    @Test
    void aHeartbeatWrittenBeforeTheProxyPortFieldStillReadsWithTheDefaultPort() throws IOException {
        byte[] older = Files.readAllBytes(GOLDEN.resolve("io.corvus.agent.heartbeat.v1.before-proxy-port.json"));

        AgentHeartbeat read = (AgentHeartbeat) codec.fromRecord("corvus.agent-status.v1", structuredHeaders(), older);

        assertThat(read.proxyServerPort()).isNull();
        assertThat(read.nodeName()).isEqualTo(ExampleEvents.agentHeartbeat().nodeName());
    }

    @Test
    void aHeartbeatWrittenBeforeCertificateExpiryStillReadsWithNoCertificate() throws IOException {
        byte[] older = Files.readAllBytes(GOLDEN.resolve("io.corvus.agent.heartbeat.v1.before-certificate-expiry.json"));

        AgentHeartbeat read = (AgentHeartbeat) codec.fromRecord("corvus.agent-status.v1", structuredHeaders(), older);

        assertThat(read.certificateNotAfter()).isNull();
        assertThat(read.lostPeers()).isEqualTo(ExampleEvents.agentHeartbeat().lostPeers());
    }

    @Test
    void aHeartbeatWrittenBeforeTunnelPresenceStillReadsWithNoWordOnIt() throws IOException {
        byte[] older = Files.readAllBytes(GOLDEN.resolve("io.corvus.agent.heartbeat.v1.before-tunnel-presence.json"));

        AgentHeartbeat read = (AgentHeartbeat) codec.fromRecord("corvus.agent-status.v1", structuredHeaders(), older);

        assertThat(read.tunnel().peers()).singleElement().satisfies(peer -> {
            assertThat(peer.presence()).isNull();
            assertThat(peer.probeOk()).isTrue();
        });
        assertThat(read.holdsTunnelPresenceWith("cloud-node-1")).as("no word on it is no presence").isFalse();
        assertThat(ExampleEvents.agentHeartbeat().holdsTunnelPresenceWith("cloud-node-1")).isTrue();
    }

    @Test
    void eventsWrittenBeforeReasonsAndStoppingStillReadWithNoChangesAndARunningAgent() throws IOException {
        GatewayTopology topology = (GatewayTopology) codec.fromRecord("corvus.topology.v1", structuredHeaders(),
                Files.readAllBytes(GOLDEN.resolve("io.corvus.topology.changed.v1.before-changes.json")));
        AgentHeartbeat heartbeat = (AgentHeartbeat) codec.fromRecord("corvus.agent-status.v1", structuredHeaders(),
                Files.readAllBytes(GOLDEN.resolve("io.corvus.agent.heartbeat.v1.before-stopping.json")));

        assertThat(topology.changes()).isEmpty();
        assertThat(topology.endpoints()).isEqualTo(ExampleEvents.gatewayTopology().endpoints());
        assertThat(heartbeat.stopping()).isFalse();
        assertThat(heartbeat.lostPeers()).isEmpty();
    }

    @Test
    void eventsWrittenBeforeTunnelModeStillReadWithItsDefaults() throws IOException {
        AgentHeartbeat heartbeat = (AgentHeartbeat) codec.fromRecord("corvus.agent-status.v1", structuredHeaders(),
                Files.readAllBytes(GOLDEN.resolve("io.corvus.agent.heartbeat.v1.before-tunnel-mode.json")));
        GatewayTopology topology = (GatewayTopology) codec.fromRecord("corvus.topology.v1", structuredHeaders(),
                Files.readAllBytes(GOLDEN.resolve("io.corvus.topology.changed.v1.before-tunnel-mode.json")));
        ConfigChanged config = (ConfigChanged) codec.fromRecord("corvus.config.v1", structuredHeaders(),
                Files.readAllBytes(GOLDEN.resolve("io.corvus.config.changed.v1.before-tunnel-mode.json")));

        assertThat(heartbeat.proxyPeers()).as("an old writer's proxy peers").isNull();
        assertThat(heartbeat.linkedPeers()).as("read under their old name").containsExactly("cloud-node-1");
        assertThat(heartbeat.tunnel()).isNull();
        assertThat(topology.tunnelNetwork()).isNull();
        assertThat(config.config().tunnel()).isEqualTo(NetworkConfig.TunnelSettings.OFF);
    }

    @Test
    void aWrongTypeIsRejectedWithTheFieldNamed() throws IOException {
        ObjectNode event = (ObjectNode) json.readTree(golden(EventType.CONFIG_CHANGED));
        ((ObjectNode) event.get("data")).put("revision", "three");

        assertThatThrownBy(() -> codec.fromRecord("corvus.config.v1", structuredHeaders(), json.writeValueAsBytes(event)))
                .isInstanceOf(EventFormatException.class)
                .hasMessageContaining("io.corvus.config.changed.v1 breaks its schema")
                .hasMessageContaining("revision")
                .hasMessageContaining("integer");
    }

    @Test
    void aMissingRequiredFieldIsRejectedWithTheFieldNamed() throws IOException {
        ObjectNode event = (ObjectNode) json.readTree(golden(EventType.NODE_OBSERVED));
        ((ObjectNode) event.get("data")).remove("ready");

        assertThatThrownBy(() -> codec.fromRecord("corvus.nodes.v1", structuredHeaders(), json.writeValueAsBytes(event)))
                .isInstanceOf(EventFormatException.class)
                .hasMessageContaining("ready");
    }

    @Test
    void aValueTheRecordForbidsIsRejectedWithTheReason() throws IOException {
        ObjectNode event = (ObjectNode) json.readTree(golden(EventType.CLOUD_STATE_CHANGED));
        ((ObjectNode) event.get("data")).put("provider", " ");

        assertThatThrownBy(() -> codec.fromRecord("corvus.cloud-state.v1", structuredHeaders(), json.writeValueAsBytes(event)))
                .isInstanceOf(EventFormatException.class)
                .hasMessageContaining("provider");
    }

    @Test
    void truncatedBytesAreRejected() throws IOException {
        byte[] golden = golden(EventType.TOPOLOGY_CHANGED);
        for (int length : new int[] {0, 1, golden.length / 2, golden.length - 2}) {
            byte[] truncated = Arrays.copyOf(golden, length);
            assertThatThrownBy(() -> codec.fromRecord("corvus.topology.v1", structuredHeaders(), truncated))
                    .as("%d of %d bytes", length, golden.length)
                    .isInstanceOf(EventFormatException.class);
        }
    }

    @Test
    void anUnknownEventTypeIsRejectedWithTheKnownTypesListed() {
        byte[] value = new JsonFormat().serialize(
                CloudEventBuilder.v1().withId("1").withSource(URI.create("/x")).withType("io.corvus.unknown.v9")
                        .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8)).build());

        assertThatThrownBy(() -> codec.fromRecord("corvus.config.v1", structuredHeaders(), value))
                .isInstanceOf(EventFormatException.class)
                .hasMessageContaining("unknown event type 'io.corvus.unknown.v9'")
                .hasMessageContaining("io.corvus.config.changed.v1");
    }

    @Test
    void anEventOnTheWrongTopicIsRejected() {
        ProducerRecord<String, byte[]> record = codec.toRecord(ExampleEvents.nodeObserved(), "test");

        assertThatThrownBy(() -> codec.fromRecord("corvus.config.v1", record.headers(), record.value()))
                .isInstanceOf(EventFormatException.class)
                .hasMessageContaining("belongs on topic corvus.nodes.v1");
    }

    @Test
    void aSubjectThatContradictsThePayloadIsRejected() throws IOException {
        ObjectNode event = (ObjectNode) json.readTree(golden(EventType.CONFIG_CHANGED));
        event.put("subject", "c2");

        assertThatThrownBy(() -> codec.fromRecord("corvus.config.v1", structuredHeaders(), json.writeValueAsBytes(event)))
                .isInstanceOf(EventFormatException.class)
                .hasMessageContaining("subject 'c2'");
    }

    @Test
    void theCloudEventCarriesTheContractAttributes() {
        var cloudEvent = codec.toCloudEvent(ExampleEvents.configChanged(), "config-service");

        assertThat(cloudEvent.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(cloudEvent.getType()).isEqualTo("io.corvus.config.changed.v1");
        assertThat(cloudEvent.getSubject()).isEqualTo("c1");
        assertThat(cloudEvent.getSource().toString()).isEqualTo("/corvus/config-service");
        assertThat(cloudEvent.getDataContentType()).isEqualTo("application/json");
    }

    @Test
    void aRevisionBelowOneCannotEvenBeBuilt() {
        assertThatThrownBy(() -> new ConfigChanged("c1", 0, ExampleEvents.AT, "admin", ExampleEvents.networkConfig()))
                .hasMessageContaining("revision must be at least 1");
    }

    private static byte[] golden(EventType type) throws IOException {
        try (InputStream in = EventCodecTest.class.getResourceAsStream("/golden/" + type.cloudEventType() + ".json")) {
            assertThat(in).as("golden file for %s (write it with -Dgolden.update=true)", type.cloudEventType()).isNotNull();
            return in.readAllBytes();
        }
    }

    private static RecordHeaders structuredHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", JsonFormat.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
