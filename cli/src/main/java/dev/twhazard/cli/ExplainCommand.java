package dev.twhazard.cli;

import dev.twhazard.detect.HazardId;
import dev.twhazard.report.HazardGuide;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code twhazard explain [TYPE]}: what a finding type means and what to do about it. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explain a finding type: what it means, why it matters, how to confirm it on the host, what to change. "
                + "Without TYPE, list the types.",
        footer = {"", ExitCode.HELP})
final class ExplainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TYPE", arity = "0..1",
            description = "time_wait_reuse, old_incarnation_segment, paws_nat_regression, tw_overflow_rst, "
                    + "port_exhaustion_risk or time_wait_pressure.")
    String type;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        if (type == null) {
            for (HazardId h : HazardId.values()) {
                out.printf("%-24s %s%n", h.id(), HazardGuide.of(h).title());
            }
            out.println();
            out.println("twhazard explain TYPE   prints one in full.");
            return ExitCode.OK;
        }
        out.print(HazardGuide.of(HazardId.parse(type)).render());
        out.flush();
        return ExitCode.OK;
    }
}
