package io.corvus.config;

import io.corvus.testing.KafkaBrokerTestResource;
import io.corvus.service.ServiceStartsContract;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)
class ConfigServiceStartsIT extends ServiceStartsContract {
}
