package io.corvus.agent;

import io.corvus.service.ServiceStartsContract;
import io.corvus.testing.KafkaBrokerTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;

@QuarkusTest
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
class AgentStartsIT extends ServiceStartsContract {

    /** With the broker gone an agent keeps forwarding on the last topology, so it stays ready (AgentWithoutKafkaIT). */
    @Override
    protected boolean brokerDecidesReadiness() {
        return false;
    }

    /** Metrics are on the management port (10283 in a cluster), health on the main one. */
    @Override
    protected String metricsUrl() {
        return "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class) + "/q/metrics";
    }
}
