package io.corvus.provisioner.adapter.aliyun;

/**
 * An Alibaba Cloud AccessKey pair, with an STS token when it is temporary. Its text form never
 * shows the secret or the token, so it cannot leak into a log line or an event by accident.
 *
 * @param origin where it came from, to name in error messages ("Secret kube-system/x", "environment")
 */
public record AliyunCredentials(String accessKeyId, String accessKeySecret, String securityToken, String origin) {

    public AliyunCredentials {
        if (accessKeyId == null || accessKeyId.isBlank() || accessKeySecret == null || accessKeySecret.isBlank()) {
            throw new IllegalArgumentException(origin + " holds an incomplete AccessKey: both the id and the secret are needed");
        }
        securityToken = securityToken == null || securityToken.isBlank() ? null : securityToken;
    }

    @Override
    public String toString() {
        return "AliyunCredentials[from " + origin + (securityToken == null ? "" : ", with STS token") + "]";
    }
}
