package net.sippunch.traversal.upnp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.ParserConfigurationException;
import org.bitlet.weupnp.GatewayDevice;
import org.bitlet.weupnp.GatewayDiscover;
import org.xml.sax.SAXException;

/**
 * {@link IgdControl} on weupnp. Discovery uses weupnp's SSDP search and description parsing; the actions
 * are sent with its SOAP call so that the UPnP error code of a refusal (718, 725, 501, ...) is kept
 * (weupnp's own {@code addPortMapping} reduces it to {@code false}) and the lease can be chosen.
 * Blocking: run it on an {@link IgdExecutor}. One instance serves one mapping procedure.
 */
public final class WeupnpIgdControl implements IgdControl {

    private static final String UDP = "UDP";

    private volatile GatewayDevice device;

    /** A control that has found no gateway yet. */
    public WeupnpIgdControl() {
    }

    @Override
    public Optional<IgdGateway> discover(int timeoutMillis) throws IOException {
        GatewayDiscover discover = new GatewayDiscover();
        discover.setTimeout(timeoutMillis);
        try {
            discover.discover();
        } catch (SAXException | ParserConfigurationException e) {
            throw new IOException("bad IGD description: " + e.getMessage(), e);
        }
        GatewayDevice found = discover.getValidGateway();
        if (found == null || found.getLocalAddress() == null || found.getControlURL() == null) {
            return Optional.empty();
        }
        device = found;
        String name = found.getFriendlyName() == null ? "" : found.getFriendlyName();
        return Optional.of(new IgdGateway(found.getLocalAddress(), String.valueOf(found.getLocation()), name));
    }

    @Override
    public String externalAddress() throws IOException, IgdFault {
        Map<String, String> answer = call("GetExternalIPAddress", Map.of());
        return answer.getOrDefault("NewExternalIPAddress", "");
    }

    @Override
    public void addMapping(int externalPort, InetSocketAddress internal, int leaseSeconds, String description)
            throws IOException, IgdFault {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("NewRemoteHost", "");
        args.put("NewExternalPort", Integer.toString(externalPort));
        args.put("NewProtocol", UDP);
        args.put("NewInternalPort", Integer.toString(internal.getPort()));
        args.put("NewInternalClient", internal.getAddress().getHostAddress());
        args.put("NewEnabled", "1");
        args.put("NewPortMappingDescription", description);
        args.put("NewLeaseDuration", Integer.toString(leaseSeconds));
        call("AddPortMapping", args);
    }

    @Override
    public Optional<IgdMappingEntry> readMapping(int externalPort) throws IOException, IgdFault {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("NewRemoteHost", "");
        args.put("NewExternalPort", Integer.toString(externalPort));
        args.put("NewProtocol", UDP);
        Map<String, String> answer;
        try {
            answer = call("GetSpecificPortMappingEntry", args);
        } catch (IgdFault f) {
            if (f.code() == IgdFault.NO_SUCH_ENTRY_IN_ARRAY) {
                return Optional.empty();
            }
            throw f;
        }
        String client = answer.get("NewInternalClient");
        String port = answer.get("NewInternalPort");
        if (client == null || port == null) {
            throw new IOException("GetSpecificPortMappingEntry answer without NewInternalClient/NewInternalPort");
        }
        return Optional.of(new IgdMappingEntry(client.trim(), parseInt(port, "NewInternalPort"),
                !"0".equals(answer.getOrDefault("NewEnabled", "1").trim()),
                answer.containsKey("NewLeaseDuration") ? parseInt(answer.get("NewLeaseDuration"), "NewLeaseDuration") : -1,
                answer.getOrDefault("NewPortMappingDescription", "")));
    }

    @Override
    public void deleteMapping(int externalPort) throws IOException, IgdFault {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("NewRemoteHost", "");
        args.put("NewExternalPort", Integer.toString(externalPort));
        args.put("NewProtocol", UDP);
        call("DeletePortMapping", args);
    }

    private Map<String, String> call(String action, Map<String, String> args) throws IOException, IgdFault {
        GatewayDevice d = device;
        if (d == null) {
            throw new IOException("no IGD discovered");
        }
        Map<String, String> answer;
        try {
            answer = GatewayDevice.simpleUPnPcommand(d.getControlURL(), d.getServiceType(), action, args);
        } catch (SAXException e) {
            throw new IOException(action + ": unreadable answer: " + e.getMessage(), e);
        }
        String code = answer.get("errorCode");
        if (code != null) {
            throw new IgdFault(parseInt(code, "errorCode"), answer.getOrDefault("errorDescription", "").trim());
        }
        return answer;
    }

    private static int parseInt(String text, String field) throws IOException {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IOException(field + " is not a number: '" + text + "'", e);
        }
    }
}
