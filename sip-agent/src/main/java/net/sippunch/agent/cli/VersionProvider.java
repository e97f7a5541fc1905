package net.sippunch.agent.cli;

import picocli.CommandLine;

/** The version from the jar's manifest, or "development" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = SipAgent.class.getPackage().getImplementationVersion();
        return new String[] {"sip-agent " + (v == null ? "development" : v)};
    }
}
