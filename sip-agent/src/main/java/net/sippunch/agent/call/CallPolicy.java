package net.sippunch.agent.call;

import java.util.List;
import java.util.regex.Pattern;
import net.sippunch.agent.config.AgentConfig;

/**
 * Decides whether the callee goes on with an incoming call or refuses it (the method's abort: a
 * 4xx/6xx and nothing else). The first rule whose caller pattern matches the caller's URI decides;
 * otherwise the default action does. Patterns are globs: {@code *} matches any run of characters.
 */
public final class CallPolicy {

    /** The decision: accept, or refuse with {@code status}. */
    public record Decision(boolean accept, int status, String because) {
    }

    private record CompiledRule(Pattern pattern, String source, boolean accept, int status) {
    }

    private final List<CompiledRule> rules;
    private final boolean acceptByDefault;
    private final int defaultStatus;

    public CallPolicy(AgentConfig.Policy policy) {
        this.rules = policy.rules().stream()
                .map(r -> new CompiledRule(glob(r.caller()), r.caller(), "accept".equals(r.action()), r.status()))
                .toList();
        this.acceptByDefault = "accept".equals(policy.action());
        this.defaultStatus = policy.status();
    }

    private static Pattern glob(String glob) {
        StringBuilder b = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (b.length() > 0) {
                b.append(".*");
            }
            b.append(Pattern.quote(part));
        }
        return Pattern.compile(b.toString(), Pattern.CASE_INSENSITIVE);
    }

    /** Decides for a caller URI such as {@code sip:alice@example.org}. */
    public Decision decide(String callerUri) {
        for (CompiledRule r : rules) {
            if (r.pattern().matcher(callerUri).matches()) {
                return new Decision(r.accept(), r.status(), "rule " + r.source());
            }
        }
        return new Decision(acceptByDefault, defaultStatus, "default");
    }
}
