package io.corvus.elector.adapter.kube;

import java.lang.annotation.Annotation;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.kubernetes.client.AbstractKubernetesTestResource;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;

/**
 * The Kubernetes test server in CRUD mode, taught one thing a real API server does: a
 * CertificateSigningRequest's conditions are written through its {@code approval} subresource,
 * which the test server does not know. It keeps them as it keeps a status update.
 */
public class KubernetesWithApprovals extends AbstractKubernetesTestResource<KubernetesMockServer, KubernetesClient> {

    @Override
    protected KubernetesMockServer createServer() {
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        // fully qualified: the resource interface has a Context type of its own
        return new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), expectations, new ApprovalAsStatus(expectations), false);
    }

    @Override
    protected void initServer() {
        server.init();
    }

    @Override
    protected KubernetesClient getClient() {
        return server.createClient();
    }

    @Override
    protected boolean useHttps() {
        return false;
    }

    @Override
    protected Class<?> getInjectedClass() {
        return KubernetesMockServer.class;
    }

    @Override
    protected Class<? extends Annotation> getInjectionAnnotation() {
        return KubernetesTestServer.class;
    }

    @Override
    public void stop() {
        server.destroy();
    }

    private static final class ApprovalAsStatus extends KubernetesMixedDispatcher {

        ApprovalAsStatus(Map<ServerRequest, Queue<ServerResponse>> expectations) {
            super(expectations);
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            if (request.method() == HttpMethod.PUT && request.getPath().endsWith("/approval")) {
                String status = request.getPath().substring(0, request.getPath().length() - "/approval".length()) + "/status";
                return super.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(), status, request.getHeaders(),
                        request.getBody()));
            }
            return super.dispatch(request);
        }
    }
}
