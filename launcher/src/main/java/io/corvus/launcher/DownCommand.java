package io.corvus.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code ./corvus down}: stops a stack left running (by another terminal, or a killed launcher). */
@Command(name = "down", mixinStandardHelpOptions = true, description = "Stops the processes of a stack left running, by the pids in its run folder.")
final class DownCommand implements Callable<Integer> {

    @ParentCommand
    CorvusCommand corvus;

    @Override
    public Integer call() {
        int stopped = 0;
        for (String stack : List.of(UpCommand.STACK, DemoCommand.STACK)) {
            Path runFolder = corvus.layout().runFolder(stack);
            PidFile pids = new PidFile(runFolder);
            List<PidFile.Entry> entries = pids.read();
            for (PidFile.Entry entry : entries.reversed()) {
                var process = PidFile.ours(entry);
                if (process.isPresent()) {
                    LocalStack.stop(process.get());
                    System.out.println("stopped " + entry.name() + " (pid " + entry.pid() + ")");
                    stopped++;
                }
            }
            pids.delete();
        }
        if (stopped == 0) {
            System.out.println("no Corvus process was running");
        }
        return 0;
    }
}
