package io.corvus.wireguard;

/** What the protocol's tests ask of an input that must be dropped: the reason it was. */
final class Rejections {

    private Rejections() {
    }

    interface Action {
        void run() throws Rejected;
    }

    /** The reason the action was rejected; fails the test if it was not. */
    static Rejected.Reason reasonOf(Action action) {
        try {
            action.run();
        } catch (Rejected rejected) {
            return rejected.reason();
        }
        throw new AssertionError("not rejected");
    }
}
