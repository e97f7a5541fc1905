package net.sippunch.agent.cli;

import net.sippunch.agent.AgentVersion;
import picocli.CommandLine;

/** {@code sip-agent --version}: the project version the build filled in. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"sip-agent " + AgentVersion.get()};
    }
}
