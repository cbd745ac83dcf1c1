package io.corvus.provisioner.adapter.aliyun;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

import io.corvus.events.Backoff;
import io.corvus.events.payload.CloudState;
import io.corvus.provisioner.app.CloudException;
import io.corvus.provisioner.app.CloudProvider;
import io.corvus.provisioner.domain.CloudAction;
import io.corvus.provisioner.domain.DesiredCloud;
import io.corvus.provisioner.domain.ObservedCloud;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Provider {@code aliyun}: Alibaba Cloud through its official SDKs, VPC API 2016-04-28 for the
 * EIP, CLB API 2014-05-15 for the load balancer, listeners and ACL, and ECS API 2014-05-26 to
 * turn the cloud gateways' private addresses into the instances a CLB forwards to.
 */
@Singleton
public final class AliyunCloudProvider implements CloudProvider {

    @FunctionalInterface
    private interface Creation {
        String create(String clientToken) throws CloudException;
    }

    private final AliyunSettings settings;
    private final CredentialSource credentials;
    private final AliyunClients clients;
    private final AliyunApi api;
    /**
     * The ClientToken of each creation not yet observed, by cluster and kind: every retry of that
     * creation, in this reconcile or a later one, sends the same token, so a create whose reply was
     * lost is not made twice. Once the resource is observed the token is forgotten.
     */
    private final Map<String, String> creationTokens = new ConcurrentHashMap<>();

    @Inject
    AliyunCloudProvider(AliyunSettings settings, CredentialSource credentials, ApiCallMetrics metrics) {
        this(settings, credentials, metrics, Thread::sleep, RandomGenerator.getDefault());
    }

    public AliyunCloudProvider(AliyunSettings settings, CredentialSource credentials, ApiCallObserver observer,
            AliyunApi.Sleeper sleeper, RandomGenerator random) {
        this.settings = settings;
        this.credentials = credentials;
        this.clients = new AliyunClients(settings);
        this.api = new AliyunApi(settings.maxAttempts(), new Backoff(settings.firstRetryWait(), settings.longestRetryWait()),
                sleeper, random, observer);
    }

    @Override
    public String name() {
        return "aliyun";
    }

    @Override
    public ObservedCloud observe(DesiredCloud cluster, CloudState recorded) throws CloudException {
        AliyunCredentials key = credentials.forCluster(cluster.clusterId());
        try {
            AliyunSession session = session(cluster, key);
            boolean ours = recorded != null && recorded.provider().equals(name());
            AliyunSession.Owned<ObservedCloud.LoadBalancer> lbs = session.loadBalancer(ours ? recorded.loadBalancerId() : null);
            AliyunSession.Owned<ObservedCloud.Eip> eips = session.eip(ours ? recorded.eipId() : null);
            AliyunSession.Owned<ObservedCloud.Acl> acls = session.acl(ours ? recorded.aclId() : null);
            ObservedCloud.LoadBalancer lb = lbs.used();
            if (lb != null) {
                creationTokens.remove(tokenKey(cluster, "lb"));
            }
            if (eips.used() != null) {
                creationTokens.remove(tokenKey(cluster, "eip"));
            }
            List<ObservedCloud> strays = new ArrayList<>();
            for (ObservedCloud.LoadBalancer stray : lbs.strays()) {
                strays.add(new ObservedCloud(stray, null, null, session.listeners(stray.id())));
            }
            eips.strays().forEach(stray -> strays.add(new ObservedCloud(null, stray, null, Map.of())));
            acls.strays().forEach(stray -> strays.add(new ObservedCloud(null, null, stray, Map.of())));
            return new ObservedCloud(lb, eips.used(), acls.used(), lb == null ? Map.of() : session.listeners(lb.id()), strays);
        } catch (CloudException e) {
            throw namingTheCredentials(e, key);
        }
    }

    @Override
    public void execute(DesiredCloud cluster, CloudAction action) throws CloudException {
        AliyunCredentials key = credentials.forCluster(cluster.clusterId());
        try {
            AliyunSession s = session(cluster, key);
            switch (action) {
                case CloudAction.CreateLoadBalancer create -> created(cluster, "lb", s::createLoadBalancer);
                case CloudAction.AllocateEip allocate ->
                        created(cluster, "eip", token -> s.allocateEip(allocate.bandwidthMbps(), allocate.chargeType(), token));
                case CloudAction.AssociateEip associate ->
                        s.associateEip(associate.eipId(), associate.loadBalancerId(), UUID.randomUUID().toString());
                case CloudAction.ModifyEipBandwidth modify -> s.modifyEipBandwidth(modify.eipId(), modify.bandwidthMbps());
                case CloudAction.CreateAcl create -> s.createAcl();
                case CloudAction.AddAclEntries add -> s.addAclEntries(add.aclId(), add.entries());
                case CloudAction.RemoveAclEntries remove -> s.removeAclEntries(remove.aclId(), remove.entries());
                case CloudAction.CreateListener create -> s.createListener(create.loadBalancerId(), create.port(), create.protocol(), create.aclId());
                case CloudAction.SetListenerAcl set -> s.setListenerAcl(set.loadBalancerId(), set.port(), set.protocol(), set.aclId());
                case CloudAction.StartListener start -> s.startListener(start.loadBalancerId(), start.port(), start.protocol());
                case CloudAction.DeleteListener delete -> s.deleteListener(delete.loadBalancerId(), delete.port(), delete.protocol());
                case CloudAction.SetBackends set -> s.setBackends(set.loadBalancerId(), set.backends());
                case CloudAction.UnassociateEip unassociate -> s.unassociateEip(unassociate.eipId(), unassociate.loadBalancerId());
                case CloudAction.ReleaseEip release -> s.releaseEip(release.eipId());
                case CloudAction.DeleteAcl delete -> s.deleteAcl(delete.aclId());
                case CloudAction.DisableDeleteProtection disable -> s.setDeleteProtection(disable.loadBalancerId(), false);
                case CloudAction.DeleteLoadBalancer delete -> s.deleteLoadBalancer(delete.loadBalancerId());
            }
        } catch (CloudException e) {
            throw namingTheCredentials(e, key);
        }
    }

    private void created(DesiredCloud cluster, String kind, Creation creation) throws CloudException {
        String key = tokenKey(cluster, kind);
        String token = creationTokens.computeIfAbsent(key, k -> UUID.randomUUID().toString());
        try {
            creation.create(token);
        } catch (CloudException e) {
            if ("IdempotentParameterMismatch".equals(e.code())) {
                creationTokens.remove(key, token); // the desired parameters changed since: the next try creates afresh
            }
            throw e;
        }
    }

    private AliyunSession session(DesiredCloud cluster, AliyunCredentials key) throws CloudException {
        required(cluster.settings().regionId(), "regionId");
        required(cluster.settings().vpcId(), "vpcId");
        required(cluster.settings().vSwitchId(), "vSwitchId");
        return new AliyunSession(clients.forRegion(cluster.settings().regionId(), key), api, cluster, settings.loadBalancerSpec());
    }

    private static void required(String value, String field) throws CloudException {
        if (value == null || value.isBlank()) {
            throw new CloudException(CloudException.Kind.NEEDS_ATTENTION, "cloud." + field
                    + " is required for provider aliyun: set it in the cluster's network configuration");
        }
    }

    private static CloudException namingTheCredentials(CloudException e, AliyunCredentials key) {
        if (e.kind() != CloudException.Kind.CREDENTIALS) {
            return e;
        }
        return new CloudException(e.kind(), e.getMessage() + "; the AccessKey came from " + key.origin() + ": correct it there",
                e.code(), e.getCause());
    }

    private static String tokenKey(DesiredCloud cluster, String kind) {
        return cluster.clusterId() + "/" + kind;
    }
}
