package io.corvus.provisioner.adapter.aliyun;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The state behind the Alibaba Cloud API emulator: load balancers with listeners and backends,
 * EIPs with their asynchronous association, ACLs with their limits, tags, ClientToken
 * idempotency, and the ECS instances of a VPC. Each action takes the request parameters as the
 * SDK flattened them and answers the reply body, or throws {@link ApiError} with the status and
 * code the real API uses. Where a code could not be checked against Alibaba's error center it is
 * marked "emulator's name".
 */
public final class EmulatedCloud {

    /** An error reply: HTTP status, code, message. */
    public static final class ApiError extends RuntimeException {
        final int status;
        final String code;

        ApiError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    public record Instance(String id, String vpcId, String privateIp) {
    }

    public record Listener(int port, String protocol, String status, String aclStatus, String aclId, String aclType) {
    }

    public record LoadBalancer(String id, String name, String address, String vpcId, String vSwitchId, boolean deleteProtection,
            Set<String> backends, Map<Integer, Listener> listeners, Map<String, String> tags) {
    }

    public record Eip(String id, String ip, int bandwidth, String chargeType, String name, String description, String status,
            String instanceId, Map<String, String> tags) {
    }

    public record Acl(String id, String name, List<String> entries, Map<String, String> tags) {
    }

    private record Transition(String eipId, String to, String instanceId, int pollsLeft, Instant notBefore) {
    }

    private record Idempotent(String action, Map<String, String> params, Map<String, Object> reply) {
    }

    static final int ACL_ENTRIES_PER_CALL = 50;
    static final int ACL_ENTRIES_MAX = 300;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> NOT_FINGERPRINTED = Set.of("ClientToken");

    private final Clock clock;
    private final Set<String> vpcs = new LinkedHashSet<>();
    private final Map<String, String> vSwitchVpc = new HashMap<>();
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private final Map<String, LoadBalancer> lbs = new LinkedHashMap<>();
    private final Map<String, Eip> eips = new LinkedHashMap<>();
    private final Map<String, Acl> acls = new LinkedHashMap<>();
    private final Map<String, Transition> transitions = new HashMap<>();
    private final Map<String, Idempotent> tokens = new HashMap<>();
    private int asyncPolls;
    private Duration asyncDelay = Duration.ZERO;
    private int nextId = 1;
    private int nextAddress = 10;

    public EmulatedCloud(Clock clock) {
        this.clock = clock;
    }

    // ------------------------------------------------------------------ set-up and inspection

    /** A VPC with one vSwitch and the ECS instances at these private addresses (named i-&lt;last octets&gt;). */
    public synchronized EmulatedCloud withVpc(String vpcId, String vSwitchId, List<String> instanceIps) {
        vpcs.add(vpcId);
        vSwitchVpc.put(vSwitchId, vpcId);
        for (String ip : instanceIps) {
            String id = "i-" + ip.replace('.', '-');
            instances.put(id, new Instance(id, vpcId, ip));
        }
        return this;
    }

    /** EIP (un)association finishes after this many DescribeEipAddresses that show it, and not before the delay. */
    public synchronized void asyncCompletion(int polls, Duration delay) {
        this.asyncPolls = polls;
        this.asyncDelay = delay;
    }

    public synchronized List<LoadBalancer> loadBalancers() {
        return List.copyOf(lbs.values());
    }

    public synchronized List<Eip> eips() {
        return List.copyOf(eips.values());
    }

    public synchronized List<Acl> acls() {
        return List.copyOf(acls.values());
    }

    public synchronized Instance instance(String id) {
        return instances.get(id);
    }

    /** A console user's resize, outside Corvus. */
    public synchronized void resizeEip(String id, int bandwidth) {
        Eip e = eips.get(id);
        eips.put(id, new Eip(e.id(), e.ip(), bandwidth, e.chargeType(), e.name(), e.description(), e.status(), e.instanceId(), e.tags()));
    }

    // ------------------------------------------------------------------ dispatch

    synchronized Map<String, Object> apply(String product, String action, Map<String, String> p) {
        completeTransitions();
        return switch (product + "/" + action) {
            case "slb/CreateLoadBalancer" -> idempotent(action, p, () -> createLoadBalancer(p));
            case "slb/DescribeLoadBalancerAttribute" -> describeLoadBalancerAttribute(p);
            case "slb/DescribeLoadBalancers" -> describeLoadBalancers(p);
            case "slb/SetLoadBalancerDeleteProtection" -> setDeleteProtection(p);
            case "slb/DeleteLoadBalancer" -> deleteLoadBalancer(p);
            case "slb/CreateLoadBalancerTCPListener" -> createListener(p, "tcp");
            case "slb/CreateLoadBalancerUDPListener" -> createListener(p, "udp");
            case "slb/SetLoadBalancerTCPListenerAttribute" -> setListenerAttribute(p, "tcp");
            case "slb/SetLoadBalancerUDPListenerAttribute" -> setListenerAttribute(p, "udp");
            case "slb/StartLoadBalancerListener" -> startListener(p);
            case "slb/DeleteLoadBalancerListener" -> deleteListener(p);
            case "slb/DescribeLoadBalancerListeners" -> describeListeners(p);
            case "slb/AddBackendServers" -> backends(p, true);
            case "slb/RemoveBackendServers" -> backends(p, false);
            case "slb/CreateAccessControlList" -> createAcl(p);
            case "slb/DescribeAccessControlListAttribute" -> describeAcl(p);
            case "slb/DescribeAccessControlLists" -> describeAcls(p);
            case "slb/AddAccessControlListEntry" -> addAclEntries(p);
            case "slb/RemoveAccessControlListEntry" -> removeAclEntries(p);
            case "slb/DeleteAccessControlList" -> deleteAcl(p);
            case "slb/TagResources" -> tag(p, "instance", "acl");
            case "slb/ListTagResources" -> listTags(p, "instance", "acl");
            case "vpc/AllocateEipAddress" -> idempotent(action, p, () -> allocateEip(p));
            case "vpc/DescribeEipAddresses" -> describeEips(p);
            case "vpc/AssociateEipAddress" -> idempotent(action, p, () -> associateEip(p));
            case "vpc/UnassociateEipAddress" -> unassociateEip(p);
            case "vpc/ModifyEipAddressAttribute" -> modifyEip(p);
            case "vpc/ReleaseEipAddress" -> releaseEip(p);
            case "vpc/TagResources" -> tag(p, "EIP");
            case "vpc/ListTagResources" -> listTags(p, "EIP");
            case "ecs/DescribeInstances" -> describeInstances(p);
            default -> throw new ApiError(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.");
        };
    }

    private interface Reply {
        Map<String, Object> make();
    }

    /** The same ClientToken answers the first reply again; the same token with other parameters is refused. */
    private Map<String, Object> idempotent(String action, Map<String, String> p, Reply reply) {
        String token = p.get("ClientToken");
        if (token == null || token.isEmpty()) {
            return reply.make();
        }
        Map<String, String> fingerprint = new TreeMap<>(p);
        fingerprint.keySet().removeAll(NOT_FINGERPRINTED);
        Idempotent earlier = tokens.get(token);
        if (earlier != null) {
            if (!earlier.action().equals(action) || !earlier.params().equals(fingerprint)) {
                throw new ApiError(400, "IdempotentParameterMismatch", "The request uses the same client token as a previous, but non-identical request.");
            }
            return earlier.reply();
        }
        Map<String, Object> made = reply.make();
        tokens.put(token, new Idempotent(action, fingerprint, made));
        return made;
    }

    // ------------------------------------------------------------------ CLB

    private Map<String, Object> createLoadBalancer(Map<String, String> p) {
        String name = required(p, "LoadBalancerName");
        String vpc = required(p, "VpcId");
        String vSwitch = required(p, "VSwitchId");
        if (!vpcs.contains(vpc)) {
            throw new ApiError(400, "InvalidVpcId.NotFound", "The specified VpcId does not exist.");
        }
        if (!vpc.equals(vSwitchVpc.get(vSwitch))) {
            throw new ApiError(400, "InvalidVSwitchId.NotFound", "The specified VSwitchId does not exist in the VPC.");
        }
        if (!"intranet".equals(p.get("AddressType"))) {
            throw new ApiError(400, "InvalidParameter", "The emulator only serves intranet load balancers in a VPC.");
        }
        String id = id("lb");
        String address = "172.16.0." + address();
        lbs.put(id, new LoadBalancer(id, name, address, vpc, vSwitch, "on".equals(p.get("DeleteProtection")), Set.of(), Map.of(), Map.of()));
        return reply("LoadBalancerId", id, "Address", address, "LoadBalancerName", name, "VpcId", vpc, "VSwitchId", vSwitch,
                "NetworkType", "vpc", "AddressIPVersion", "ipv4");
    }

    private LoadBalancer lb(Map<String, String> p) {
        LoadBalancer lb = lbs.get(required(p, "LoadBalancerId"));
        if (lb == null) {
            throw new ApiError(404, "InvalidLoadBalancerId.NotFound", "The specified LoadBalancerId does not exist.");
        }
        return lb;
    }

    private Map<String, Object> describeLoadBalancerAttribute(Map<String, String> p) {
        LoadBalancer lb = lb(p);
        Map<String, Object> body = reply("LoadBalancerId", lb.id(), "LoadBalancerName", lb.name(), "Address", lb.address(),
                "AddressType", "intranet", "NetworkType", "vpc", "VpcId", lb.vpcId(), "VSwitchId", lb.vSwitchId(),
                "LoadBalancerStatus", "active", "DeleteProtection", lb.deleteProtection() ? "on" : "off");
        body.put("BackendServers", Map.of("BackendServer", lb.backends().stream()
                .map(id -> Map.of("ServerId", id, "Weight", 100, "Type", "ecs")).toList()));
        body.put("ListenerPortsAndProtocol", Map.of("ListenerPortAndProtocol", lb.listeners().values().stream()
                .map(l -> Map.of("ListenerPort", l.port(), "ListenerProtocol", l.protocol())).toList()));
        return body;
    }

    private Map<String, Object> describeLoadBalancers(Map<String, String> p) {
        Predicate<LoadBalancer> match = lb -> (p.get("LoadBalancerId") == null || List.of(p.get("LoadBalancerId").split(",")).contains(lb.id()))
                && (p.get("LoadBalancerName") == null || lb.name().equals(p.get("LoadBalancerName")));
        List<Map<String, Object>> page = page(lbs.values().stream().filter(match).map(lb -> (Map<String, Object>) new LinkedHashMap<String, Object>(Map.of(
                "LoadBalancerId", lb.id(), "LoadBalancerName", lb.name(), "Address", lb.address(), "VpcId", lb.vpcId(),
                "VSwitchId", lb.vSwitchId(), "LoadBalancerStatus", "active", "AddressType", "intranet",
                "DeleteProtection", lb.deleteProtection() ? "on" : "off"))).toList(), p);
        Map<String, Object> body = reply("TotalCount", (int) lbs.values().stream().filter(match).count());
        body.put("LoadBalancers", Map.of("LoadBalancer", page));
        return body;
    }

    private Map<String, Object> setDeleteProtection(Map<String, String> p) {
        LoadBalancer lb = lb(p);
        replace(lb, "on".equals(required(p, "DeleteProtection")), lb.backends(), lb.listeners(), lb.tags());
        return reply();
    }

    private Map<String, Object> deleteLoadBalancer(Map<String, String> p) {
        LoadBalancer lb = lb(p);
        if (lb.deleteProtection()) {
            throw new ApiError(400, "OperationDenied.DeleteProtectionIsOn", "The loadbalancer can't be deleted due to DeleteProtection is enabled.");
        }
        if (eips.values().stream().anyMatch(e -> lb.id().equals(e.instanceId()))) {
            throw new ApiError(400, "OperationDenied.EipAssociated", "The loadbalancer still has an EIP associated (emulator's name).");
        }
        lbs.remove(lb.id()); // its listeners and tags go with it
        return reply();
    }

    private Map<String, Object> createListener(Map<String, String> p, String protocol) {
        LoadBalancer lb = lb(p);
        int port = port(p, "ListenerPort");
        if (lb.listeners().containsKey(port)) {
            throw new ApiError(400, "ListenerAlreadyExists", "The specified listener already exists.");
        }
        String aclStatus = p.getOrDefault("AclStatus", "off");
        String aclId = p.get("AclId");
        checkAclBinding(aclStatus, aclId, p.get("AclType"));
        Map<Integer, Listener> listeners = new TreeMap<>(lb.listeners());
        listeners.put(port, new Listener(port, protocol, "stopped", aclStatus, "on".equals(aclStatus) ? aclId : null,
                "on".equals(aclStatus) ? p.get("AclType") : null));
        replace(lb, lb.deleteProtection(), lb.backends(), listeners, lb.tags());
        return reply();
    }

    private void checkAclBinding(String aclStatus, String aclId, String aclType) {
        if ("on".equals(aclStatus)) {
            if (aclId == null || !acls.containsKey(aclId)) {
                throw new ApiError(404, "AclNotExist", "The specified AclId does not exist.");
            }
            if (!"white".equals(aclType) && !"black".equals(aclType)) {
                throw new ApiError(400, "InvalidParameter.AclType", "AclType must be white or black when AclStatus is on.");
            }
        }
    }

    private Listener listener(LoadBalancer lb, Map<String, String> p, String protocol) {
        Listener l = lb.listeners().get(port(p, "ListenerPort"));
        if (l == null || (protocol != null && !protocol.equals(l.protocol()))) {
            throw new ApiError(400, "ListenerNotExist", "The specified listener does not exist (emulator's name).");
        }
        return l;
    }

    private Map<String, Object> setListenerAttribute(Map<String, String> p, String protocol) {
        LoadBalancer lb = lb(p);
        Listener l = listener(lb, p, protocol);
        String aclStatus = p.getOrDefault("AclStatus", l.aclStatus());
        String aclId = p.getOrDefault("AclId", l.aclId());
        String aclType = p.getOrDefault("AclType", l.aclType());
        checkAclBinding(aclStatus, aclId, aclType);
        withListener(lb, new Listener(l.port(), l.protocol(), l.status(), aclStatus, "on".equals(aclStatus) ? aclId : null,
                "on".equals(aclStatus) ? aclType : null));
        return reply();
    }

    private Map<String, Object> startListener(Map<String, String> p) {
        LoadBalancer lb = lb(p);
        Listener l = listener(lb, p, p.get("ListenerProtocol"));
        withListener(lb, new Listener(l.port(), l.protocol(), "running", l.aclStatus(), l.aclId(), l.aclType()));
        return reply();
    }

    private Map<String, Object> deleteListener(Map<String, String> p) {
        LoadBalancer lb = lb(p);
        Listener l = listener(lb, p, p.get("ListenerProtocol"));
        Map<Integer, Listener> listeners = new TreeMap<>(lb.listeners());
        listeners.remove(l.port());
        replace(lb, lb.deleteProtection(), lb.backends(), listeners, lb.tags());
        return reply();
    }

    private void withListener(LoadBalancer lb, Listener listener) {
        Map<Integer, Listener> listeners = new TreeMap<>(lb.listeners());
        listeners.put(listener.port(), listener);
        replace(lb, lb.deleteProtection(), lb.backends(), listeners, lb.tags());
    }

    private Map<String, Object> describeListeners(Map<String, String> p) {
        List<Map<String, Object>> listeners = new ArrayList<>();
        for (String id : indexed(p, "LoadBalancerId")) {
            LoadBalancer lb = lbs.get(id);
            if (lb == null) {
                continue;
            }
            for (Listener l : lb.listeners().values()) {
                Map<String, Object> entry = new LinkedHashMap<>(Map.of("LoadBalancerId", id, "ListenerPort", l.port(),
                        "ListenerProtocol", l.protocol(), "BackendServerPort", l.port(), "Status", l.status(),
                        "AclStatus", l.aclStatus(), "Bandwidth", -1));
                if (l.aclId() != null) {
                    entry.put("AclId", l.aclId());
                    entry.put("AclType", l.aclType());
                }
                listeners.add(entry);
            }
        }
        Map<String, Object> body = reply("TotalCount", listeners.size(), "MaxResults", 100, "NextToken", "");
        body.put("Listeners", listeners);
        return body;
    }

    private Map<String, Object> backends(Map<String, String> p, boolean add) {
        LoadBalancer lb = lb(p);
        List<Map<String, Object>> servers = json(required(p, "BackendServers"));
        if (servers.size() > 20) {
            throw new ApiError(400, "InvalidParameter.BackendServers", "At most 20 backend servers per call.");
        }
        Set<String> backends = new LinkedHashSet<>(lb.backends());
        for (Map<String, Object> server : servers) {
            String id = String.valueOf(server.get("ServerId"));
            Instance instance = instances.get(id);
            if (add && (instance == null || !instance.vpcId().equals(lb.vpcId()))) {
                throw new ApiError(400, "InvalidBackendServer.NotExist", "The backend server " + id
                        + " does not exist in the VPC of the load balancer (emulator's name).");
            }
            if (add) {
                backends.add(id);
            } else {
                backends.remove(id);
            }
        }
        replace(lb, lb.deleteProtection(), backends, lb.listeners(), lb.tags());
        return reply("LoadBalancerId", lb.id());
    }

    private void replace(LoadBalancer lb, boolean deleteProtection, Set<String> backends, Map<Integer, Listener> listeners,
            Map<String, String> tags) {
        lbs.put(lb.id(), new LoadBalancer(lb.id(), lb.name(), lb.address(), lb.vpcId(), lb.vSwitchId(), deleteProtection,
                Set.copyOf(backends), Map.copyOf(listeners), Map.copyOf(tags)));
    }

    // ------------------------------------------------------------------ ACL

    private Map<String, Object> createAcl(Map<String, String> p) {
        String id = id("acl");
        acls.put(id, new Acl(id, required(p, "AclName"), List.of(), Map.of()));
        return reply("AclId", id);
    }

    private Acl acl(Map<String, String> p) {
        Acl acl = acls.get(required(p, "AclId"));
        if (acl == null) {
            throw new ApiError(404, "AclNotExist", "The specified AclId does not exist.");
        }
        return acl;
    }

    private Map<String, Object> describeAcl(Map<String, String> p) {
        Acl acl = acl(p);
        Map<String, Object> body = reply("AclId", acl.id(), "AclName", acl.name(), "AddressIPVersion", "ipv4",
                "TotalAclEntry", acl.entries().size());
        body.put("AclEntrys", Map.of("AclEntry", acl.entries().stream()
                .map(e -> Map.of("AclEntryIP", e, "AclEntryComment", "corvus")).toList()));
        body.put("RelatedListeners", Map.of("RelatedListener", boundListeners(acl.id())));
        return body;
    }

    private List<Map<String, Object>> boundListeners(String aclId) {
        List<Map<String, Object>> bound = new ArrayList<>();
        for (LoadBalancer lb : lbs.values()) {
            lb.listeners().values().stream().filter(l -> aclId.equals(l.aclId())).forEach(l -> bound.add(Map.of(
                    "LoadBalancerId", lb.id(), "ListenerPort", l.port(), "Protocol", l.protocol(), "AclType", l.aclType())));
        }
        return bound;
    }

    private Map<String, Object> describeAcls(Map<String, String> p) {
        List<Acl> matching = acls.values().stream().filter(a -> p.get("AclName") == null || a.name().contains(p.get("AclName"))).toList();
        Map<String, Object> body = reply("TotalCount", matching.size(), "Count", matching.size());
        body.put("Acls", Map.of("Acl", page(matching.stream().map(a -> (Map<String, Object>) new LinkedHashMap<String, Object>(
                Map.of("AclId", a.id(), "AclName", a.name(), "AddressIPVersion", "ipv4"))).toList(), p)));
        return body;
    }

    private Map<String, Object> addAclEntries(Map<String, String> p) {
        Acl acl = acl(p);
        List<String> adding = aclEntries(p);
        LinkedHashSet<String> entries = new LinkedHashSet<>(acl.entries());
        for (String entry : adding) {
            if (!entries.add(entry)) {
                throw new ApiError(400, "InvalidParam.AclEntryExists", "The entry " + entry + " already exists in the ACL.");
            }
        }
        if (entries.size() > ACL_ENTRIES_MAX) {
            throw new ApiError(400, "QuotaExceeded.AclEntry", "An ACL holds at most " + ACL_ENTRIES_MAX + " entries (emulator's name).");
        }
        acls.put(acl.id(), new Acl(acl.id(), acl.name(), List.copyOf(entries), acl.tags()));
        return reply();
    }

    private Map<String, Object> removeAclEntries(Map<String, String> p) {
        Acl acl = acl(p);
        List<String> removing = aclEntries(p);
        List<String> entries = new ArrayList<>(acl.entries());
        for (String entry : removing) {
            if (!entries.remove(entry)) {
                throw new ApiError(400, "InvalidParam.AclEntryNotExist", "The entry " + entry + " is not in the ACL (emulator's name).");
            }
        }
        acls.put(acl.id(), new Acl(acl.id(), acl.name(), List.copyOf(entries), acl.tags()));
        return reply();
    }

    private List<String> aclEntries(Map<String, String> p) {
        List<Map<String, Object>> entries = json(required(p, "AclEntrys"));
        if (entries.size() > ACL_ENTRIES_PER_CALL) {
            throw new ApiError(400, "InvalidParam.AclEntrysSize", "At most " + ACL_ENTRIES_PER_CALL + " entries per call (emulator's name).");
        }
        List<String> cidrs = new ArrayList<>();
        for (Map<String, Object> entry : entries) {
            String cidr = String.valueOf(entry.get("entry"));
            if (!cidr.matches("\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?")) {
                throw new ApiError(400, "InvalidParam.AclEntry", "The entry " + cidr + " is not an IPv4 CIDR block (emulator's name).");
            }
            cidrs.add(cidr);
        }
        return cidrs;
    }

    private Map<String, Object> deleteAcl(Map<String, String> p) {
        Acl acl = acl(p);
        if (!boundListeners(acl.id()).isEmpty()) {
            throw new ApiError(400, "AclInUsed", "The ACL is still bound to a listener.");
        }
        acls.remove(acl.id());
        return reply();
    }

    // ------------------------------------------------------------------ EIP

    private Map<String, Object> allocateEip(Map<String, String> p) {
        int bandwidth = bandwidth(p.getOrDefault("Bandwidth", "5"));
        String name = p.get("Name");
        if (name != null && !name.matches("[A-Za-z][A-Za-z0-9._-]{0,127}")) {
            throw new ApiError(400, "InvalidName", "The name may hold letters, digits, '.', '_' and '-' only, and starts with a letter.");
        }
        String id = id("eip");
        String ip = "203.0.113." + address();
        eips.put(id, new Eip(id, ip, bandwidth, p.getOrDefault("InternetChargeType", "PayByBandwidth"), name,
                p.get("Description"), "Available", null, Map.of()));
        return reply("AllocationId", id, "EipAddress", ip);
    }

    private Eip eip(Map<String, String> p) {
        Eip eip = eips.get(required(p, "AllocationId"));
        if (eip == null) {
            throw new ApiError(404, "InvalidAllocationId.NotFound", "Specified allocation ID is not found.");
        }
        return eip;
    }

    private Map<String, Object> describeEips(Map<String, String> p) {
        List<Eip> matching = eips.values().stream()
                .filter(e -> p.get("AllocationId") == null || e.id().equals(p.get("AllocationId")))
                .filter(e -> p.get("EipName") == null || p.get("EipName").equals(e.name())).toList();
        for (Eip e : matching) {
            Transition t = transitions.get(e.id());
            if (t != null) {
                transitions.put(e.id(), new Transition(t.eipId(), t.to(), t.instanceId(), t.pollsLeft() - 1, t.notBefore()));
            }
        }
        Map<String, Object> body = reply("TotalCount", matching.size());
        body.put("EipAddresses", Map.of("EipAddress", page(matching.stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>(Map.of("AllocationId", e.id(), "IpAddress", e.ip(), "Status", e.status(),
                    "Bandwidth", String.valueOf(e.bandwidth()), "InternetChargeType", e.chargeType(), "ChargeType", "PostPaid"));
            m.put("Name", e.name() == null ? "" : e.name());
            m.put("Description", e.description() == null ? "" : e.description());
            m.put("InstanceId", e.instanceId() == null ? "" : e.instanceId());
            m.put("InstanceType", e.instanceId() == null ? "" : "SlbInstance");
            return m;
        }).toList(), p)));
        return body;
    }

    private Map<String, Object> associateEip(Map<String, String> p) {
        Eip eip = eip(p);
        String instance = required(p, "InstanceId");
        if (!"SlbInstance".equals(p.get("InstanceType"))) {
            throw new ApiError(400, "InvalidParameter.InstanceType", "The emulator associates EIPs with load balancers only (InstanceType=SlbInstance).");
        }
        if (!lbs.containsKey(instance)) {
            throw new ApiError(400, "InvalidInstanceId.NotFound", "The specified instance does not exist.");
        }
        if (!"Available".equals(eip.status())) {
            throw new ApiError(400, "IncorrectEipStatus", "The current status of the EIP does not support this operation.");
        }
        startTransition(eip, "Associating", "InUse", instance);
        return reply();
    }

    private Map<String, Object> unassociateEip(Map<String, String> p) {
        Eip eip = eip(p);
        if (!"InUse".equals(eip.status()) || !eip.instanceId().equals(p.get("InstanceId"))) {
            throw new ApiError(400, "IncorrectEipStatus", "The current status of the EIP does not support this operation.");
        }
        startTransition(eip, "Unassociating", "Available", null);
        return reply();
    }

    private void startTransition(Eip eip, String during, String to, String instance) {
        String boundTo = instance != null ? instance : eip.instanceId();
        eips.put(eip.id(), new Eip(eip.id(), eip.ip(), eip.bandwidth(), eip.chargeType(), eip.name(), eip.description(), during,
                boundTo, eip.tags()));
        transitions.put(eip.id(), new Transition(eip.id(), to, instance, asyncPolls, clock.instant().plus(asyncDelay)));
        completeTransitions();
    }

    private void completeTransitions() {
        Instant now = clock.instant();
        for (Transition t : List.copyOf(transitions.values())) {
            Eip e = eips.get(t.eipId());
            if (e == null) {
                transitions.remove(t.eipId());
            } else if (t.pollsLeft() <= 0 && !now.isBefore(t.notBefore())) {
                eips.put(e.id(), new Eip(e.id(), e.ip(), e.bandwidth(), e.chargeType(), e.name(), e.description(), t.to(),
                        t.instanceId(), e.tags()));
                transitions.remove(t.eipId());
            }
        }
    }

    private Map<String, Object> modifyEip(Map<String, String> p) {
        Eip e = eip(p);
        if (transitions.containsKey(e.id())) {
            throw new ApiError(400, "IncorrectEipStatus", "The current status of the EIP does not support this operation.");
        }
        int bandwidth = p.containsKey("Bandwidth") ? bandwidth(p.get("Bandwidth")) : e.bandwidth();
        eips.put(e.id(), new Eip(e.id(), e.ip(), bandwidth, e.chargeType(), p.getOrDefault("Name", e.name()),
                p.getOrDefault("Description", e.description()), e.status(), e.instanceId(), e.tags()));
        return reply();
    }

    private Map<String, Object> releaseEip(Map<String, String> p) {
        Eip e = eip(p);
        if (!"Available".equals(e.status())) {
            throw new ApiError(400, "IncorrectEipStatus", "The current status of the EIP does not support this operation.");
        }
        eips.remove(e.id());
        return reply();
    }

    // ------------------------------------------------------------------ tags, ECS

    private Map<String, Object> tag(Map<String, String> p, String... types) {
        String type = required(p, "ResourceType");
        if (!List.of(types).contains(type)) {
            throw new ApiError(400, "InvalidResourceType.NotSupported", "ResourceType " + type + " is not supported here.");
        }
        Map<String, String> adding = new LinkedHashMap<>();
        for (int i = 1; p.containsKey("Tag." + i + ".Key"); i++) {
            String key = p.get("Tag." + i + ".Key");
            if (key.startsWith("aliyun") || key.startsWith("acs:") || key.contains("http://") || key.contains("https://")) {
                throw new ApiError(400, "InvalidTagKey", "The tag key may not start with aliyun or acs:, nor contain http(s)://.");
            }
            adding.put(key, p.getOrDefault("Tag." + i + ".Value", ""));
        }
        for (String id : indexed(p, "ResourceId")) {
            Map<String, String> tags = new LinkedHashMap<>(tagsOf(type, id));
            tags.putAll(adding);
            setTags(type, id, tags);
        }
        return reply();
    }

    private Map<String, String> tagsOf(String type, String id) {
        return switch (type) {
            case "instance" -> require(lbs.get(id), id).tags();
            case "acl" -> require(acls.get(id), id).tags();
            default -> require(eips.get(id), id).tags();
        };
    }

    private static <T> T require(T resource, String id) {
        if (resource == null) {
            throw new ApiError(404, "InvalidResourceId.NotFound", "The resource " + id + " does not exist.");
        }
        return resource;
    }

    private void setTags(String type, String id, Map<String, String> tags) {
        switch (type) {
            case "instance" -> {
                LoadBalancer lb = lbs.get(id);
                replace(lb, lb.deleteProtection(), lb.backends(), lb.listeners(), tags);
            }
            case "acl" -> {
                Acl a = acls.get(id);
                acls.put(id, new Acl(a.id(), a.name(), a.entries(), Map.copyOf(tags)));
            }
            default -> {
                Eip e = eips.get(id);
                eips.put(id, new Eip(e.id(), e.ip(), e.bandwidth(), e.chargeType(), e.name(), e.description(), e.status(),
                        e.instanceId(), Map.copyOf(tags)));
            }
        }
    }

    private Map<String, Object> listTags(Map<String, String> p, String... types) {
        String type = required(p, "ResourceType");
        if (!List.of(types).contains(type)) {
            throw new ApiError(400, "InvalidResourceType.NotSupported", "ResourceType " + type + " is not supported here.");
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 1; p.containsKey("Tag." + i + ".Key"); i++) {
            wanted.put(p.get("Tag." + i + ".Key"), p.get("Tag." + i + ".Value"));
        }
        List<String> ids = indexed(p, "ResourceId");
        Map<String, Map<String, String>> all = new LinkedHashMap<>();
        switch (type) {
            case "instance" -> lbs.values().forEach(lb -> all.put(lb.id(), lb.tags()));
            case "acl" -> acls.values().forEach(a -> all.put(a.id(), a.tags()));
            default -> eips.values().forEach(e -> all.put(e.id(), e.tags()));
        }
        List<Map<String, Object>> found = new ArrayList<>();
        all.forEach((id, tags) -> {
            boolean matches = (ids.isEmpty() || ids.contains(id)) && wanted.entrySet().stream()
                    .allMatch(w -> tags.containsKey(w.getKey()) && (w.getValue() == null || w.getValue().equals(tags.get(w.getKey()))));
            if (matches) {
                tags.forEach((k, v) -> {
                    if (wanted.isEmpty() || wanted.containsKey(k)) {
                        found.add(Map.of("ResourceId", id, "ResourceType", type, "TagKey", k, "TagValue", v));
                    }
                });
            }
        });
        Map<String, Object> body = reply("NextToken", "");
        body.put("TagResources", Map.of("TagResource", found));
        return body;
    }

    private Map<String, Object> describeInstances(Map<String, String> p) {
        List<String> ids = p.containsKey("InstanceIds") ? jsonStrings(p.get("InstanceIds")) : null;
        List<String> ips = p.containsKey("PrivateIpAddresses") ? jsonStrings(p.get("PrivateIpAddresses")) : null;
        List<Instance> matching = instances.values().stream()
                .filter(i -> ids == null || ids.contains(i.id()))
                .filter(i -> ips == null || ips.contains(i.privateIp()))
                .filter(i -> p.get("VpcId") == null || p.get("VpcId").equals(i.vpcId())).toList();
        Map<String, Object> body = reply("TotalCount", matching.size());
        body.put("Instances", Map.of("Instance", page(matching.stream().map(i -> (Map<String, Object>) new LinkedHashMap<String, Object>(Map.of(
                "InstanceId", i.id(), "Status", "Running", "VpcAttributes", Map.of("VpcId", i.vpcId(),
                        "PrivateIpAddress", Map.of("IpAddress", List.of(i.privateIp())))))).toList(), p)));
        return body;
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, Object> reply(Object... pairs) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            body.put((String) pairs[i], pairs[i + 1]);
        }
        return body;
    }

    private static List<Map<String, Object>> page(List<Map<String, Object>> all, Map<String, String> p) {
        int size = Math.max(1, Math.min(100, Integer.parseInt(p.getOrDefault("PageSize", "10"))));
        int number = Math.max(1, Integer.parseInt(p.getOrDefault("PageNumber", "1")));
        int from = Math.min(all.size(), (number - 1) * size);
        return all.subList(from, Math.min(all.size(), from + size));
    }

    private static List<String> indexed(Map<String, String> p, String name) {
        List<String> values = new ArrayList<>();
        for (int i = 1; p.containsKey(name + "." + i); i++) {
            values.add(p.get(name + "." + i));
        }
        return values;
    }

    private static String required(Map<String, String> p, String name) {
        String value = p.get(name);
        if (value == null || value.isEmpty()) {
            throw new ApiError(400, "MissingParameter", "The input parameter \"" + name + "\" that is mandatory for processing this request is not supplied.");
        }
        return value;
    }

    private static int port(Map<String, String> p, String name) {
        try {
            int port = Integer.parseInt(required(p, name));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new ApiError(400, "InvalidParameter", name + " must be a port from 1 to 65535.");
        }
    }

    private static int bandwidth(String value) {
        try {
            int bandwidth = Integer.parseInt(value);
            if (bandwidth < 1 || bandwidth > 1000) {
                throw new NumberFormatException();
            }
            return bandwidth;
        } catch (NumberFormatException e) {
            throw new ApiError(400, "InvalidBandwidth.Malformed", "Bandwidth must be 1 to 1000 Mbit/s.");
        }
    }

    private static List<Map<String, Object>> json(String value) {
        try {
            return JSON.readValue(value, new TypeReference<>() { });
        } catch (Exception e) {
            throw new ApiError(400, "InvalidParameter", "Not a JSON array of objects: " + value);
        }
    }

    private static List<String> jsonStrings(String value) {
        try {
            return JSON.readValue(value, new TypeReference<>() { });
        } catch (Exception e) {
            throw new ApiError(400, "InvalidParameter", "Not a JSON array of strings: " + value);
        }
    }

    private String id(String kind) {
        return kind + "-emu" + String.format("%06d", nextId++);
    }

    private int address() {
        int address = nextAddress;
        nextAddress = nextAddress >= 250 ? 10 : nextAddress + 1;
        return address;
    }
}
