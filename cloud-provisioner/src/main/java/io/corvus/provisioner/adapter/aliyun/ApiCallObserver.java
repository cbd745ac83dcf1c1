package io.corvus.provisioner.adapter.aliyun;

/** Sees every Alibaba Cloud API call: before it is sent and with its outcome (metrics, tests). */
public interface ApiCallObserver {

    ApiCallObserver NONE = new ApiCallObserver() {
    };

    default void before(String action) {
    }

    /** @param outcome {@code ok}, or the error code, or {@code timeout} / {@code network} */
    default void after(String action, String outcome) {
    }
}
