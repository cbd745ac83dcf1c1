package io.corvus.provisioner.adapter.aliyun;

/** Thrown where a test makes the process die: an Error, so nothing on the way catches it as a failed step. */
public final class SimulatedCrash extends Error {

    public SimulatedCrash() {
        super("simulated crash", null, false, false);
    }
}
