package io.corvus.provisioner.adapter.aliyun;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.aliyun.ecs20140526.models.DescribeInstancesRequest;
import com.aliyun.ecs20140526.models.DescribeInstancesResponseBody;
import com.aliyun.slb20140515.models.AddAccessControlListEntryRequest;
import com.aliyun.slb20140515.models.AddBackendServersRequest;
import com.aliyun.slb20140515.models.CreateAccessControlListRequest;
import com.aliyun.slb20140515.models.CreateLoadBalancerRequest;
import com.aliyun.slb20140515.models.CreateLoadBalancerTCPListenerRequest;
import com.aliyun.slb20140515.models.CreateLoadBalancerUDPListenerRequest;
import com.aliyun.slb20140515.models.DeleteAccessControlListRequest;
import com.aliyun.slb20140515.models.DeleteLoadBalancerListenerRequest;
import com.aliyun.slb20140515.models.DeleteLoadBalancerRequest;
import com.aliyun.slb20140515.models.DescribeAccessControlListAttributeRequest;
import com.aliyun.slb20140515.models.DescribeAccessControlListAttributeResponseBody;
import com.aliyun.slb20140515.models.DescribeAccessControlListsRequest;
import com.aliyun.slb20140515.models.DescribeAccessControlListsResponseBody;
import com.aliyun.slb20140515.models.DescribeLoadBalancerAttributeRequest;
import com.aliyun.slb20140515.models.DescribeLoadBalancerAttributeResponseBody;
import com.aliyun.slb20140515.models.DescribeLoadBalancerListenersRequest;
import com.aliyun.slb20140515.models.DescribeLoadBalancerListenersResponseBody;
import com.aliyun.slb20140515.models.DescribeLoadBalancersRequest;
import com.aliyun.slb20140515.models.DescribeLoadBalancersResponseBody;
import com.aliyun.slb20140515.models.RemoveAccessControlListEntryRequest;
import com.aliyun.slb20140515.models.RemoveBackendServersRequest;
import com.aliyun.slb20140515.models.SetLoadBalancerDeleteProtectionRequest;
import com.aliyun.slb20140515.models.SetLoadBalancerTCPListenerAttributeRequest;
import com.aliyun.slb20140515.models.SetLoadBalancerUDPListenerAttributeRequest;
import com.aliyun.slb20140515.models.StartLoadBalancerListenerRequest;
import com.aliyun.vpc20160428.models.AllocateEipAddressRequest;
import com.aliyun.vpc20160428.models.AssociateEipAddressRequest;
import com.aliyun.vpc20160428.models.DescribeEipAddressesRequest;
import com.aliyun.vpc20160428.models.DescribeEipAddressesResponseBody;
import com.aliyun.vpc20160428.models.ModifyEipAddressAttributeRequest;
import com.aliyun.vpc20160428.models.ReleaseEipAddressRequest;
import com.aliyun.vpc20160428.models.UnassociateEipAddressRequest;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.corvus.events.Json;
import io.corvus.provisioner.adapter.aliyun.AliyunClients.Clients;
import io.corvus.provisioner.app.CloudException;
import io.corvus.provisioner.domain.DesiredCloud;
import io.corvus.provisioner.domain.ObservedCloud;

/**
 * One cluster's resources in one region, as the VPC, CLB and ECS APIs see them: how each is found
 * (stored id, then ownership tag, then name — two matches is an error, never a guess) and how
 * each change is made. Cloud replies are checked before they are believed.
 */
final class AliyunSession {

    /** The tag that marks a resource as a cluster's own. */
    static final String OWNER_TAG = "corvus.io/cluster-id";
    private static final int PAGE = 100;
    private static final int BACKENDS_PER_CALL = 20;

    /** Fetches one resource by id; null when it does not exist. */
    @FunctionalInterface
    private interface Fetch<T> {
        T byId(String id) throws CloudException;
    }

    @FunctionalInterface
    private interface Ids {
        List<String> list() throws CloudException;
    }

    @FunctionalInterface
    private interface Adopt {
        void tag(String id) throws CloudException;
    }

    private final Clients clients;
    private final AliyunApi api;
    private final DesiredCloud cluster;
    private final String region;
    private final String loadBalancerSpec;

    AliyunSession(Clients clients, AliyunApi api, DesiredCloud cluster, String loadBalancerSpec) {
        this.clients = clients;
        this.api = api;
        this.cluster = cluster;
        this.region = cluster.settings().regionId();
        this.loadBalancerSpec = loadBalancerSpec;
    }

    // ---------------------------------------------------------------- finding

    /** The resource a cluster uses, and others carrying its tag that it does not (made twice: released as strays). */
    record Owned<T>(T used, List<T> strays) {
        static final Owned<?> NONE = new Owned<>(null, List.of());

        @SuppressWarnings("unchecked")
        static <T> Owned<T> none() {
            return (Owned<T>) NONE;
        }
    }

    private <T> Owned<T> findOwned(String kind, String recordedId, Fetch<T> fetch, Ids tagged, Ids named, Adopt adopt)
            throws CloudException {
        if (recordedId != null && !recordedId.isEmpty()) {
            T recorded = fetch.byId(recordedId);
            if (recorded != null) {
                List<T> strays = new ArrayList<>();
                for (String id : tagged.list()) {
                    T stray = id.equals(recordedId) ? null : fetch.byId(id);
                    if (stray != null) {
                        strays.add(stray);
                    }
                }
                return new Owned<>(recorded, strays);
            }
        }
        List<String> ids = tagged.list();
        if (ids.size() > 1) {
            throw twoClaim(kind, "carry the tag " + OWNER_TAG + "=" + cluster.clusterId(), ids);
        }
        if (ids.size() == 1) {
            return new Owned<>(fetch.byId(ids.getFirst()), List.of());
        }
        ids = named.list();
        if (ids.size() > 1) {
            throw twoClaim(kind, "are named " + cluster.resourceName(), ids);
        }
        if (ids.isEmpty()) {
            return Owned.none();
        }
        adopt.tag(ids.getFirst()); // made by us, but the tag was never set (a crash between the two calls)
        return new Owned<>(fetch.byId(ids.getFirst()), List.of());
    }

    private CloudException twoClaim(String kind, String how, List<String> ids) {
        return new CloudException(CloudException.Kind.NEEDS_ATTENTION, ids.size() + " " + kind + "s " + how + " (" + String.join(", ", ids)
                + "): Corvus will not guess which one is the cluster's; delete the extra one or remove its tag");
    }

    Owned<ObservedCloud.LoadBalancer> loadBalancer(String recordedId) throws CloudException {
        return findOwned("load balancer", recordedId, this::loadBalancerById, () -> taggedSlb("instance"),
                this::loadBalancersByName, id -> tagSlb("instance", id));
    }

    private ObservedCloud.LoadBalancer loadBalancerById(String id) throws CloudException {
        DescribeLoadBalancerAttributeResponseBody lb = api.lookup("DescribeLoadBalancerAttribute", Set.of("InvalidLoadBalancerId.NotFound"),
                () -> clients.slb().describeLoadBalancerAttribute(new DescribeLoadBalancerAttributeRequest().setRegionId(region)
                        .setLoadBalancerId(id)).getBody());
        if (lb == null) {
            return null;
        }
        require(lb.getLoadBalancerId(), "DescribeLoadBalancerAttribute", "LoadBalancerId", lb.getRequestId());
        List<String> serverIds = lb.getBackendServers() == null || lb.getBackendServers().getBackendServer() == null ? List.of()
                : lb.getBackendServers().getBackendServer().stream().map(b -> b.getServerId()).toList();
        Map<String, String> ips = serverIds.isEmpty() ? Map.of() : instanceIps(serverIds);
        return new ObservedCloud.LoadBalancer(lb.getLoadBalancerId(), lb.getAddress() == null ? "" : lb.getAddress(),
                "on".equals(lb.getDeleteProtection()), serverIds.stream().map(s -> ips.getOrDefault(s, s)).toList());
    }

    private List<String> loadBalancersByName() throws CloudException {
        List<String> ids = new ArrayList<>();
        for (int page = 1; ; page++) {
            int number = page;
            DescribeLoadBalancersResponseBody body = api.call("DescribeLoadBalancers", () -> clients.slb().describeLoadBalancers(
                    new DescribeLoadBalancersRequest().setRegionId(region).setLoadBalancerName(cluster.resourceName())
                            .setPageSize(PAGE).setPageNumber(number)).getBody());
            var found = body.getLoadBalancers() == null || body.getLoadBalancers().getLoadBalancer() == null ? List.<DescribeLoadBalancersResponseBody.DescribeLoadBalancersResponseBodyLoadBalancersLoadBalancer>of()
                    : body.getLoadBalancers().getLoadBalancer();
            found.stream().filter(lb -> cluster.resourceName().equals(lb.getLoadBalancerName()))
                    .forEach(lb -> ids.add(lb.getLoadBalancerId()));
            if (found.size() < PAGE) {
                return ids;
            }
        }
    }

    Map<Integer, ObservedCloud.Listener> listeners(String loadBalancerId) throws CloudException {
        Map<Integer, ObservedCloud.Listener> listeners = new TreeMap<>();
        String next = null;
        do {
            String token = next;
            DescribeLoadBalancerListenersResponseBody body = api.call("DescribeLoadBalancerListeners", () -> clients.slb()
                    .describeLoadBalancerListeners(new DescribeLoadBalancerListenersRequest().setRegionId(region)
                            .setLoadBalancerId(List.of(loadBalancerId)).setMaxResults(PAGE).setNextToken(token)).getBody());
            for (var l : body.getListeners() == null ? List.<DescribeLoadBalancerListenersResponseBody.DescribeLoadBalancerListenersResponseBodyListeners>of()
                    : body.getListeners()) {
                require(l.getListenerPort(), "DescribeLoadBalancerListeners", "ListenerPort", body.getRequestId());
                require(l.getListenerProtocol(), "DescribeLoadBalancerListeners", "ListenerProtocol", body.getRequestId());
                listeners.put(l.getListenerPort(), new ObservedCloud.Listener(l.getListenerPort(),
                        l.getListenerProtocol().toLowerCase(Locale.ROOT), "running".equals(l.getStatus()),
                        "on".equals(l.getAclStatus()) ? l.getAclId() : null));
            }
            next = body.getNextToken();
        } while (next != null && !next.isEmpty());
        return listeners;
    }

    Owned<ObservedCloud.Eip> eip(String recordedId) throws CloudException {
        return findOwned("EIP", recordedId, this::eipById, this::taggedEips, this::eipsByName, this::tagEip);
    }

    private ObservedCloud.Eip eipById(String id) throws CloudException {
        var found = describeEips(new DescribeEipAddressesRequest().setRegionId(region).setAllocationId(id));
        if (found.isEmpty()) {
            return null;
        }
        var eip = found.getFirst();
        require(eip.getIpAddress(), "DescribeEipAddresses", "IpAddress", null);
        require(eip.getStatus(), "DescribeEipAddresses", "Status", null);
        String instance = eip.getInstanceId() == null || eip.getInstanceId().isEmpty() ? null : eip.getInstanceId();
        return new ObservedCloud.Eip(eip.getAllocationId(), eip.getIpAddress(), parseBandwidth(eip.getBandwidth()), eip.getStatus(), instance);
    }

    private List<String> eipsByName() throws CloudException {
        return describeEips(new DescribeEipAddressesRequest().setRegionId(region).setEipName(eipName())).stream()
                .filter(e -> cluster.resourceName().equals(e.getDescription())).map(e -> e.getAllocationId()).toList();
    }

    private List<DescribeEipAddressesResponseBody.DescribeEipAddressesResponseBodyEipAddressesEipAddress> describeEips(
            DescribeEipAddressesRequest request) throws CloudException {
        List<DescribeEipAddressesResponseBody.DescribeEipAddressesResponseBodyEipAddressesEipAddress> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            DescribeEipAddressesRequest paged = request.setPageSize(PAGE).setPageNumber(page);
            DescribeEipAddressesResponseBody body = api.call("DescribeEipAddresses", () -> clients.vpc().describeEipAddresses(paged).getBody());
            var found = body.getEipAddresses() == null || body.getEipAddresses().getEipAddress() == null
                    ? List.<DescribeEipAddressesResponseBody.DescribeEipAddressesResponseBodyEipAddressesEipAddress>of()
                    : body.getEipAddresses().getEipAddress();
            for (var eip : found) {
                require(eip.getAllocationId(), "DescribeEipAddresses", "AllocationId", body.getRequestId());
            }
            all.addAll(found);
            if (found.size() < PAGE) {
                return all;
            }
        }
    }

    Owned<ObservedCloud.Acl> acl(String recordedId) throws CloudException {
        Owned<ObservedCloud.Acl> found = findOwned("ACL", recordedId, this::aclById, () -> taggedSlb("acl"), this::aclsByNameWithoutTwins,
                id -> tagSlb("acl", id));
        if (found.used() != null && (recordedId == null || !recordedId.equals(found.used().id()))) {
            deleteTwins(found.used().id());
        }
        return found;
    }

    /**
     * CreateAccessControlList takes no ClientToken, and the SDK's HTTP client silently sends a
     * request again when its connection drops after sending: the cloud may then hold a twin, an
     * ACL with the cluster's name that is empty, bound to nothing and untagged. Twins are
     * interchangeable, so they are deleted rather than reported as a conflict.
     */
    private void deleteTwins(String keptId) throws CloudException {
        for (String id : aclsByName()) {
            if (!id.equals(keptId) && isTwin(id)) {
                api.change("DeleteAccessControlList", Set.of("AclNotExist"), () -> clients.slb().deleteAccessControlList(
                        new DeleteAccessControlListRequest().setRegionId(region).setAclId(id)));
            }
        }
    }

    /** By name, with twins left out: when every match is a twin, the first stands for all. */
    private List<String> aclsByNameWithoutTwins() throws CloudException {
        List<String> named = aclsByName();
        if (named.size() < 2) {
            return named;
        }
        List<String> notTwins = new ArrayList<>();
        for (String id : named) {
            if (!isTwin(id)) {
                notTwins.add(id);
            }
        }
        return notTwins.isEmpty() ? List.of(named.getFirst()) : notTwins;
    }

    private boolean isTwin(String aclId) throws CloudException {
        DescribeAccessControlListAttributeResponseBody acl = api.lookup("DescribeAccessControlListAttribute", Set.of("AclNotExist"),
                () -> clients.slb().describeAccessControlListAttribute(new DescribeAccessControlListAttributeRequest()
                        .setRegionId(region).setAclId(aclId)).getBody());
        if (acl == null) {
            return false;
        }
        boolean empty = acl.getAclEntrys() == null || acl.getAclEntrys().getAclEntry() == null || acl.getAclEntrys().getAclEntry().isEmpty();
        boolean unbound = acl.getRelatedListeners() == null || acl.getRelatedListeners().getRelatedListener() == null
                || acl.getRelatedListeners().getRelatedListener().isEmpty();
        return empty && unbound && !taggedSlbIds("acl", aclId);
    }

    private boolean taggedSlbIds(String resourceType, String id) throws CloudException {
        var body = api.call("ListTagResources", () -> clients.slb().listTagResources(
                new com.aliyun.slb20140515.models.ListTagResourcesRequest().setRegionId(region).setResourceType(resourceType)
                        .setResourceId(List.of(id))).getBody());
        return body.getTagResources() != null && body.getTagResources().getTagResource() != null
                && body.getTagResources().getTagResource().stream().anyMatch(t -> OWNER_TAG.equals(t.getTagKey()));
    }

    private ObservedCloud.Acl aclById(String id) throws CloudException {
        DescribeAccessControlListAttributeResponseBody acl = api.lookup("DescribeAccessControlListAttribute", Set.of("AclNotExist"),
                () -> clients.slb().describeAccessControlListAttribute(new DescribeAccessControlListAttributeRequest()
                        .setRegionId(region).setAclId(id)).getBody());
        if (acl == null) {
            return null;
        }
        require(acl.getAclId(), "DescribeAccessControlListAttribute", "AclId", acl.getRequestId());
        List<String> entries = acl.getAclEntrys() == null || acl.getAclEntrys().getAclEntry() == null ? List.of()
                : acl.getAclEntrys().getAclEntry().stream().map(e -> e.getAclEntryIP()).toList();
        return new ObservedCloud.Acl(acl.getAclId(), entries);
    }

    private List<String> aclsByName() throws CloudException {
        List<String> ids = new ArrayList<>();
        for (int page = 1; ; page++) {
            int number = page;
            DescribeAccessControlListsResponseBody body = api.call("DescribeAccessControlLists", () -> clients.slb()
                    .describeAccessControlLists(new DescribeAccessControlListsRequest().setRegionId(region)
                            .setAclName(cluster.resourceName()).setPageSize(PAGE).setPageNumber(number)).getBody());
            var found = body.getAcls() == null || body.getAcls().getAcl() == null
                    ? List.<DescribeAccessControlListsResponseBody.DescribeAccessControlListsResponseBodyAclsAcl>of() : body.getAcls().getAcl();
            found.stream().filter(a -> cluster.resourceName().equals(a.getAclName())).forEach(a -> ids.add(a.getAclId()));
            if (found.size() < PAGE) {
                return ids;
            }
        }
    }

    private List<String> taggedSlb(String resourceType) throws CloudException {
        Set<String> ids = new LinkedHashSet<>();
        String next = null;
        do {
            String token = next;
            var body = api.call("ListTagResources", () -> clients.slb().listTagResources(
                    new com.aliyun.slb20140515.models.ListTagResourcesRequest().setRegionId(region).setResourceType(resourceType)
                            .setTag(List.of(new com.aliyun.slb20140515.models.ListTagResourcesRequest.ListTagResourcesRequestTag()
                                    .setKey(OWNER_TAG).setValue(cluster.clusterId()))).setNextToken(token)).getBody());
            if (body.getTagResources() != null && body.getTagResources().getTagResource() != null) {
                body.getTagResources().getTagResource().forEach(t -> ids.add(t.getResourceId()));
            }
            next = body.getNextToken();
        } while (next != null && !next.isEmpty());
        return List.copyOf(ids);
    }

    private List<String> taggedEips() throws CloudException {
        Set<String> ids = new LinkedHashSet<>();
        String next = null;
        do {
            String token = next;
            var body = api.call("ListTagResources", () -> clients.vpc().listTagResources(
                    new com.aliyun.vpc20160428.models.ListTagResourcesRequest().setRegionId(region).setResourceType("EIP")
                            .setTag(List.of(new com.aliyun.vpc20160428.models.ListTagResourcesRequest.ListTagResourcesRequestTag()
                                    .setKey(OWNER_TAG).setValue(cluster.clusterId()))).setMaxResults(50).setNextToken(token)).getBody());
            if (body.getTagResources() != null && body.getTagResources().getTagResource() != null) {
                body.getTagResources().getTagResource().forEach(t -> ids.add(t.getResourceId()));
            }
            next = body.getNextToken();
        } while (next != null && !next.isEmpty());
        return List.copyOf(ids);
    }

    /** Private address by ECS instance id; instances not found are left out. */
    private Map<String, String> instanceIps(List<String> instanceIds) throws CloudException {
        Map<String, String> ips = new HashMap<>();
        for (var instance : describeInstances(new DescribeInstancesRequest().setRegionId(region).setInstanceIds(json(instanceIds)))) {
            privateIp(instance).ifPresent(ip -> ips.put(instance.getInstanceId(), ip));
        }
        return ips;
    }

    private List<DescribeInstancesResponseBody.DescribeInstancesResponseBodyInstancesInstance> describeInstances(
            DescribeInstancesRequest request) throws CloudException {
        DescribeInstancesResponseBody body = api.call("DescribeInstances", () -> clients.ecs().describeInstances(request.setPageSize(PAGE)).getBody());
        return body.getInstances() == null || body.getInstances().getInstance() == null ? List.of() : body.getInstances().getInstance();
    }

    private static Optional<String> privateIp(DescribeInstancesResponseBody.DescribeInstancesResponseBodyInstancesInstance instance) {
        var vpc = instance.getVpcAttributes();
        if (vpc == null || vpc.getPrivateIpAddress() == null || vpc.getPrivateIpAddress().getIpAddress() == null
                || vpc.getPrivateIpAddress().getIpAddress().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(vpc.getPrivateIpAddress().getIpAddress().getFirst());
    }

    // ---------------------------------------------------------------- changing

    String createLoadBalancer(String clientToken) throws CloudException {
        var body = api.call("CreateLoadBalancer", () -> clients.slb().createLoadBalancer(new CreateLoadBalancerRequest()
                .setRegionId(region).setLoadBalancerName(cluster.resourceName()).setAddressType("intranet")
                .setVpcId(cluster.settings().vpcId()).setVSwitchId(cluster.settings().vSwitchId())
                .setLoadBalancerSpec(loadBalancerSpec).setPayType("PayOnDemand").setDeleteProtection("on")
                .setClientToken(clientToken)).getBody());
        String id = require(body.getLoadBalancerId(), "CreateLoadBalancer", "LoadBalancerId", body.getRequestId());
        tagSlb("instance", id);
        return id;
    }

    void setDeleteProtection(String loadBalancerId, boolean on) throws CloudException {
        api.call("SetLoadBalancerDeleteProtection", () -> clients.slb().setLoadBalancerDeleteProtection(
                new SetLoadBalancerDeleteProtectionRequest().setRegionId(region).setLoadBalancerId(loadBalancerId)
                        .setDeleteProtection(on ? "on" : "off")));
    }

    void deleteLoadBalancer(String loadBalancerId) throws CloudException {
        api.change("DeleteLoadBalancer", Set.of("InvalidLoadBalancerId.NotFound"), () -> clients.slb().deleteLoadBalancer(
                new DeleteLoadBalancerRequest().setRegionId(region).setLoadBalancerId(loadBalancerId)));
    }

    String allocateEip(int bandwidthMbps, String chargeType, String clientToken) throws CloudException {
        var body = api.call("AllocateEipAddress", () -> clients.vpc().allocateEipAddress(new AllocateEipAddressRequest()
                .setRegionId(region).setBandwidth(String.valueOf(bandwidthMbps))
                .setInternetChargeType(chargeType == null ? "PayByTraffic" : chargeType).setInstanceChargeType("PostPaid")
                .setName(eipName()).setDescription(cluster.resourceName()).setClientToken(clientToken)).getBody());
        String id = require(body.getAllocationId(), "AllocateEipAddress", "AllocationId", body.getRequestId());
        tagEip(id);
        return id;
    }

    void associateEip(String eipId, String loadBalancerId, String clientToken) throws CloudException {
        api.call("AssociateEipAddress", () -> clients.vpc().associateEipAddress(new AssociateEipAddressRequest().setRegionId(region)
                .setAllocationId(eipId).setInstanceId(loadBalancerId).setInstanceType("SlbInstance").setClientToken(clientToken)));
    }

    void unassociateEip(String eipId, String loadBalancerId) throws CloudException {
        api.change("UnassociateEipAddress", Set.of("IncorrectEipStatus"), () -> clients.vpc().unassociateEipAddress(
                new UnassociateEipAddressRequest().setRegionId(region).setAllocationId(eipId).setInstanceId(loadBalancerId)
                        .setInstanceType("SlbInstance")));
    }

    void modifyEipBandwidth(String eipId, int bandwidthMbps) throws CloudException {
        api.call("ModifyEipAddressAttribute", () -> clients.vpc().modifyEipAddressAttribute(new ModifyEipAddressAttributeRequest()
                .setRegionId(region).setAllocationId(eipId).setBandwidth(String.valueOf(bandwidthMbps))));
    }

    void releaseEip(String eipId) throws CloudException {
        api.change("ReleaseEipAddress", Set.of("InvalidAllocationId.NotFound"), () -> clients.vpc().releaseEipAddress(
                new ReleaseEipAddressRequest().setRegionId(region).setAllocationId(eipId)));
    }

    /** CreateAccessControlList takes no ClientToken: it is never repeated blindly; a lost reply is found by name next time. */
    String createAcl() throws CloudException {
        var body = api.once("CreateAccessControlList", () -> clients.slb().createAccessControlList(new CreateAccessControlListRequest()
                .setRegionId(region).setAclName(cluster.resourceName()).setAddressIPVersion("ipv4")).getBody());
        String id = require(body.getAclId(), "CreateAccessControlList", "AclId", body.getRequestId());
        tagSlb("acl", id);
        deleteTwins(id);
        return id;
    }

    void addAclEntries(String aclId, List<String> entries) throws CloudException {
        String json = json(entries.stream().map(e -> Map.of("entry", e, "comment", "corvus")).toList());
        api.change("AddAccessControlListEntry", Set.of("InvalidParam.AclEntryExists"), () -> clients.slb().addAccessControlListEntry(
                new AddAccessControlListEntryRequest().setRegionId(region).setAclId(aclId).setAclEntrys(json)));
    }

    void removeAclEntries(String aclId, List<String> entries) throws CloudException {
        String json = json(entries.stream().map(e -> Map.of("entry", e)).toList());
        api.change("RemoveAccessControlListEntry", Set.of("InvalidParam.AclEntryNotExist"), () -> clients.slb()
                .removeAccessControlListEntry(new RemoveAccessControlListEntryRequest().setRegionId(region).setAclId(aclId)
                        .setAclEntrys(json)));
    }

    void deleteAcl(String aclId) throws CloudException {
        api.change("DeleteAccessControlList", Set.of("AclNotExist"), () -> clients.slb().deleteAccessControlList(
                new DeleteAccessControlListRequest().setRegionId(region).setAclId(aclId)));
    }

    void createListener(String loadBalancerId, int port, String protocol, String aclId) throws CloudException {
        String aclStatus = aclId == null ? "off" : "on";
        String aclType = aclId == null ? null : "white";
        if ("udp".equals(protocol)) {
            api.change("CreateLoadBalancerUDPListener", Set.of("ListenerAlreadyExists"), () -> clients.slb().createLoadBalancerUDPListener(
                    new CreateLoadBalancerUDPListenerRequest().setRegionId(region).setLoadBalancerId(loadBalancerId)
                            .setListenerPort(port).setBackendServerPort(port).setBandwidth(-1)
                            .setAclStatus(aclStatus).setAclType(aclType).setAclId(aclId)));
        } else {
            api.change("CreateLoadBalancerTCPListener", Set.of("ListenerAlreadyExists"), () -> clients.slb().createLoadBalancerTCPListener(
                    new CreateLoadBalancerTCPListenerRequest().setRegionId(region).setLoadBalancerId(loadBalancerId)
                            .setListenerPort(port).setBackendServerPort(port).setBandwidth(-1)
                            .setAclStatus(aclStatus).setAclType(aclType).setAclId(aclId)));
        }
    }

    void setListenerAcl(String loadBalancerId, int port, String protocol, String aclId) throws CloudException {
        String aclStatus = aclId == null ? "off" : "on";
        String aclType = aclId == null ? null : "white";
        if ("udp".equals(protocol)) {
            api.call("SetLoadBalancerUDPListenerAttribute", () -> clients.slb().setLoadBalancerUDPListenerAttribute(
                    new SetLoadBalancerUDPListenerAttributeRequest().setRegionId(region).setLoadBalancerId(loadBalancerId)
                            .setListenerPort(port).setAclStatus(aclStatus).setAclType(aclType).setAclId(aclId)));
        } else {
            api.call("SetLoadBalancerTCPListenerAttribute", () -> clients.slb().setLoadBalancerTCPListenerAttribute(
                    new SetLoadBalancerTCPListenerAttributeRequest().setRegionId(region).setLoadBalancerId(loadBalancerId)
                            .setListenerPort(port).setAclStatus(aclStatus).setAclType(aclType).setAclId(aclId)));
        }
    }

    void startListener(String loadBalancerId, int port, String protocol) throws CloudException {
        api.call("StartLoadBalancerListener", () -> clients.slb().startLoadBalancerListener(new StartLoadBalancerListenerRequest()
                .setRegionId(region).setLoadBalancerId(loadBalancerId).setListenerPort(port).setListenerProtocol(protocol)));
    }

    void deleteListener(String loadBalancerId, int port, String protocol) throws CloudException {
        api.change("DeleteLoadBalancerListener", Set.of("ListenerNotExist"), () -> clients.slb().deleteLoadBalancerListener(
                new DeleteLoadBalancerListenerRequest().setRegionId(region).setLoadBalancerId(loadBalancerId)
                        .setListenerPort(port).setListenerProtocol(protocol)));
    }

    /** Makes the load balancer forward to exactly the ECS instances holding these private addresses in the cluster's VPC. */
    void setBackends(String loadBalancerId, List<String> privateIps) throws CloudException {
        Map<String, String> byIp = new HashMap<>();
        if (!privateIps.isEmpty()) {
            for (var instance : describeInstances(new DescribeInstancesRequest().setRegionId(region)
                    .setVpcId(cluster.settings().vpcId()).setPrivateIpAddresses(json(privateIps)))) {
                privateIp(instance).ifPresent(ip -> byIp.put(ip, instance.getInstanceId()));
            }
        }
        List<String> missing = privateIps.stream().filter(ip -> !byIp.containsKey(ip)).toList();
        if (!missing.isEmpty()) {
            throw new CloudException(CloudException.Kind.NEEDS_ATTENTION, "no ECS instance in " + cluster.settings().vpcId()
                    + " has the private address " + String.join(", ", missing) + ": the CLB forwards only to ECS instances of the"
                    + " cluster's VPC, so the cloud gateway nodes must be such instances");
        }
        Set<String> wanted = new LinkedHashSet<>(byIp.values());
        Set<String> current = currentBackendIds(loadBalancerId);
        List<String> remove = current.stream().filter(id -> !wanted.contains(id)).toList();
        List<String> add = wanted.stream().filter(id -> !current.contains(id)).toList();
        for (List<String> batch : batches(remove)) {
            String json = json(batch.stream().map(id -> Map.of("ServerId", id, "Type", "ecs")).toList());
            api.call("RemoveBackendServers", () -> clients.slb().removeBackendServers(new RemoveBackendServersRequest()
                    .setRegionId(region).setLoadBalancerId(loadBalancerId).setBackendServers(json)));
        }
        for (List<String> batch : batches(add)) {
            String json = json(batch.stream().map(id -> Map.of("ServerId", id, "Type", "ecs", "Weight", "100")).toList());
            api.call("AddBackendServers", () -> clients.slb().addBackendServers(new AddBackendServersRequest()
                    .setRegionId(region).setLoadBalancerId(loadBalancerId).setBackendServers(json)));
        }
    }

    private Set<String> currentBackendIds(String loadBalancerId) throws CloudException {
        DescribeLoadBalancerAttributeResponseBody lb = api.call("DescribeLoadBalancerAttribute", () -> clients.slb()
                .describeLoadBalancerAttribute(new DescribeLoadBalancerAttributeRequest().setRegionId(region)
                        .setLoadBalancerId(loadBalancerId)).getBody());
        return lb.getBackendServers() == null || lb.getBackendServers().getBackendServer() == null ? Set.of()
                : lb.getBackendServers().getBackendServer().stream().map(b -> b.getServerId()).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private void tagSlb(String resourceType, String id) throws CloudException {
        api.call("TagResources", () -> clients.slb().tagResources(new com.aliyun.slb20140515.models.TagResourcesRequest()
                .setRegionId(region).setResourceType(resourceType).setResourceId(List.of(id))
                .setTag(List.of(new com.aliyun.slb20140515.models.TagResourcesRequest.TagResourcesRequestTag()
                        .setKey(OWNER_TAG).setValue(cluster.clusterId())))));
    }

    private void tagEip(String id) throws CloudException {
        api.call("TagResources", () -> clients.vpc().tagResources(new com.aliyun.vpc20160428.models.TagResourcesRequest()
                .setRegionId(region).setResourceType("EIP").setResourceId(List.of(id))
                .setTag(List.of(new com.aliyun.vpc20160428.models.TagResourcesRequest.TagResourcesRequestTag()
                        .setKey(OWNER_TAG).setValue(cluster.clusterId())))));
    }

    // ---------------------------------------------------------------- helpers

    /** EIP names allow letters, digits, '.', '_' and '-' only, so Raven's name goes in the Description and this in the name. */
    private String eipName() {
        return cluster.resourceName().replace('/', '.');
    }

    private static int parseBandwidth(String bandwidth) throws CloudException {
        try {
            return Integer.parseInt(bandwidth);
        } catch (NumberFormatException | NullPointerException e) {
            throw new CloudException(CloudException.Kind.TRANSIENT, "DescribeEipAddresses answered an unreadable Bandwidth '"
                    + bandwidth + "'");
        }
    }

    private static <T> T require(T value, String action, String field, String requestId) throws CloudException {
        if (value == null || (value instanceof String text && text.isBlank())) {
            throw new CloudException(CloudException.Kind.TRANSIENT, action + " answered without " + field
                    + (requestId == null ? "" : " (request id " + requestId + ")") + "; the reply is not trusted");
        }
        return value;
    }

    private static List<List<String>> batches(List<String> ids) {
        List<List<String>> batches = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += BACKENDS_PER_CALL) {
            batches.add(ids.subList(from, Math.min(ids.size(), from + BACKENDS_PER_CALL)));
        }
        return batches;
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }
}
