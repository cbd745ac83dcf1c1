package io.corvus.launcher;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of a command about one cluster: which Corvus, which cluster, how to print. */
abstract class ClusterCommand {

    @Mixin
    Target target;

    @Mixin
    Output output;

    @Option(names = "--cluster", required = true, description = "The cluster's id.")
    String cluster;
}
