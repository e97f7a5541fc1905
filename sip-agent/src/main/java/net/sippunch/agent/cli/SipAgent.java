package net.sippunch.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sip-agent} command line: one subcommand per job. */
@Command(name = "sip-agent",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "SIP user agent with direct peer-to-peer UDP media through NATs.",
        subcommands = {
                DiscoveryServerCommand.class,
                NatProbeCommand.class,
                DemoCommand.class,
                RunCommand.class,
                CallCommand.class,
                LoadCommand.class,
                CheckConfigCommand.class,
                StunLoadCommand.class,
                PunchTestCommand.class,
                CommandLine.HelpCommand.class
        })
public final class SipAgent implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        int code = new CommandLine(new SipAgent()).execute(args);
        System.exit(code);
    }
}
