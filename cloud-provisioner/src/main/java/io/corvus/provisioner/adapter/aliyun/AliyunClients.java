package io.corvus.provisioner.adapter.aliyun;

import java.util.LinkedHashMap;
import java.util.Map;

import com.aliyun.teaopenapi.models.Config;
import io.corvus.provisioner.app.CloudException;

/** The SDK clients of one region and account, built once and reused (they hold connection pools). */
final class AliyunClients {

    record Clients(com.aliyun.slb20140515.Client slb, com.aliyun.vpc20160428.Client vpc, com.aliyun.ecs20140526.Client ecs) {
    }

    private record Key(String regionId, AliyunCredentials credentials) {
    }

    private static final int KEPT = 32;

    private final AliyunSettings settings;
    private final Map<Key, Clients> clients = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Clients> eldest) {
            return size() > KEPT;
        }
    };

    AliyunClients(AliyunSettings settings) {
        this.settings = settings;
    }

    synchronized Clients forRegion(String regionId, AliyunCredentials credentials) throws CloudException {
        Key key = new Key(regionId, credentials);
        Clients held = clients.get(key);
        if (held != null) {
            return held;
        }
        try {
            held = new Clients(new com.aliyun.slb20140515.Client(config(regionId, credentials)),
                    new com.aliyun.vpc20160428.Client(config(regionId, credentials)),
                    new com.aliyun.ecs20140526.Client(config(regionId, credentials)));
        } catch (Exception e) {
            throw new CloudException(CloudException.Kind.NEEDS_ATTENTION, "cannot set up the Alibaba Cloud clients for region "
                    + regionId + ": " + e.getMessage(), e);
        }
        clients.put(key, held);
        return held;
    }

    private Config config(String regionId, AliyunCredentials credentials) {
        Config config = new Config().setAccessKeyId(credentials.accessKeyId()).setAccessKeySecret(credentials.accessKeySecret())
                .setRegionId(regionId).setProtocol(settings.protocol())
                .setConnectTimeout((int) settings.connectTimeout().toMillis()).setReadTimeout((int) settings.readTimeout().toMillis());
        if (credentials.securityToken() != null) {
            config.setSecurityToken(credentials.securityToken());
        }
        settings.endpoint().ifPresent(config::setEndpoint);
        return config;
    }
}
