package io.corvus.launcher;

import java.util.List;

import io.corvus.events.view.OverviewSnapshot;

/** What verify and diagnose share: the cluster read from the topics, and the findings printed with the exit code they imply. */
final class Findings {

    private Findings() {
    }

    static OverviewSnapshot.Cluster cluster(Target target, String clusterId) {
        OverviewSnapshot snapshot = OverviewReader.read(target.kafka());
        return snapshot.cluster(clusterId).orElseThrow(() -> new CliFailure(CliFailure.Exit.NOT_FOUND, "the topics say nothing about "
                + "cluster " + clusterId + "; the clusters are " + snapshot.clusters().stream().map(OverviewSnapshot.Cluster::clusterId).toList()));
    }

    /** Prints the findings; 1 when one failed, else 0. */
    static int print(Output output, List<ClusterChecks.Finding> findings) {
        long failed = findings.stream().filter(f -> f.verdict() == ClusterChecks.Verdict.FAIL).count();
        long warned = findings.stream().filter(f -> f.verdict() == ClusterChecks.Verdict.WARN).count();
        output.print(System.out, findings, () -> {
            Output.Table table = new Output.Table("nothing to check", "RESULT", "CHECK", "SUBJECT", "DETAIL");
            findings.forEach(f -> table.row(f.verdict(), f.check(), f.subject(), f.detail()));
            table.row("", "", "", failed + " failed, " + warned + " warnings, " + (findings.size() - failed - warned) + " passed");
            return table;
        });
        return failed > 0 ? CliFailure.Exit.FAILED.code() : 0;
    }
}
