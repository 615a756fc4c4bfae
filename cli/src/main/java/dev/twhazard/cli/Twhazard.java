package dev.twhazard.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code twhazard} command: reads packet captures and finds TCP TIME_WAIT hazards.
 * Subcommands: {@code analyze}, {@code packets}, {@code live}, {@code explain}.
 */
@Command(name = "twhazard", mixinStandardHelpOptions = true, versionProvider = Twhazard.Version.class,
        description = "Finds TCP TIME_WAIT hazards in packet captures: quadruple reuse within TIME_WAIT, "
                + "old-incarnation segments, PAWS timestamp regressions behind NAT, RSTs from TIME_WAIT overflow, "
                + "and TIME_WAIT occupancy and port headroom.",
        subcommands = {AnalyzeCommand.class, PacketsCommand.class, LiveCommand.class, ExplainCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", ExitCode.HELP})
public final class Twhazard implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where {@code -} reads from; tests give their own stream. */
    final InputStream stdin;

    Twhazard(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: analyze, packets, live or explain");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.BufferedWriter(new java.io.OutputStreamWriter(System.out,
                java.nio.charset.StandardCharsets.UTF_8), 1 << 16));
        PrintWriter err = new PrintWriter(System.err, true);
        // Off the main thread: setting up the JMX listeners takes about 25 ms, which would delay
        // every run, and the budget acts only seconds into a large capture.
        Thread.ofPlatform().daemon().name("twhazard-gc-budget").start(OldGenerationBudget::install);
        int code = execute(args, out, err, System.in);
        out.flush();
        System.exit(code);
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, InputStream stdin) {
        return commandLine(out, err, stdin).execute(args);
    }

    /**
     * The configured command line: output streams injected (tests capture them), parameter
     * errors mapped to exit code 2 with a one-line message, any other exception to a one-line
     * message (exit 2 for usage problems, 4 for bugs), never a stack trace.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, InputStream stdin) {
        CommandLine cl = new CommandLine(new Twhazard(stdin));
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("twhazard: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (ex instanceof UsageException || ex instanceof IllegalArgumentException) {
                c.getErr().println("twhazard: " + ex.getMessage());
                return ExitCode.USAGE;
            }
            c.getErr().println("twhazard: internal error: " + ex + " (please report it with the command line used)");
            if (Boolean.getBoolean("twhazard.debug")) {
                ex.printStackTrace(c.getErr());
            }
            return ExitCode.INTERNAL;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Twhazard.class.getPackage().getImplementationVersion();
            return new String[] {"twhazard " + (v == null ? "development build" : v)};
        }
    }
}
