<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>AddAppDialog</name>
    <message>
        <source>Add container as app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Container:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Project:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AlertRuleDialog</name>
    <message>
        <source>New alert rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applies &amp;to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fi&amp;gure:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;ondition:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For at &amp;least:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Event:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Restarts:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Within:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pattern:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Matches:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Se&amp;verity:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cool&amp;down:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ch&amp;annels:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test against the last &amp;hour</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AlertsView</name>
    <message>
        <source>No alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark the selected firing alerts as seen on this desktop: they stay listed but no longer count in the tab and the sidebar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A&amp;cknowledge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknowledge &amp;all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Firing now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Since</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A rule that alerts when a figure crosses a threshold, an event happens or log lines match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New rul&amp;e…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AppUsageView</name>
    <message>
        <source>Every app of the shown host, live each second; click a column&apos;s header to sort by it</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Connect to a Mist server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server &amp;URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>https://mist.example.com or ws://host:8080</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Email:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remember (password in the system keychain)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA cer&amp;tificate:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional PEM file; empty: the system&apos;s CAs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trust only this CA for the server&apos;s certificate, e.g. a private CA.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DeploymentsView</name>
    <message>
        <source>Select an app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deploy the app&apos;s branch now (Ctrl+D)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Deploy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FleetHostCard</name>
    <message>
        <source>Show this host&apos;s apps, logs, deployments and charts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FleetView</name>
    <message>
        <source>No hosts yet: connect to a server (Connection menu).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <source>Follow the end of the log (End)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter or F3: next match; Shift+Enter or Shift+F3: previous</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter with a regular expression</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>.*</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All streams</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stdout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stderr</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous match (Shift+F3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next match (F3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timestamps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrap long lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Time range:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More: timestamps, wrapping, copy, save, clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>⋯</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Older matches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load the next older matches of this search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search the search field&apos;s regular expression (RE2) in everything the server kept of this app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter or double-click: show the line in its context</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search all of this app&apos;s history on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start the app&apos;s container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the app&apos;s container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart the app&apos;s container</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Mist Monitor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Logs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>De&amp;ployments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flee&amp;t</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Local server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to &amp;remote server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apps list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Apps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New app…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create an app built from a git repository, and deploy it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add as app…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add the selected container as an app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ale&amp;rts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App &amp;usage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New alert ru&amp;le…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A rule that alerts when a figure crosses a threshold, an event happens or log lines match, for the host or the selected app</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MetricsView</name>
    <message>
        <source>Window:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Processes running or waiting, averaged over 1, 5 and 15 minutes (given by upstream Mist servers)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The charts show only what arrived since they opened: this server gives no earlier figures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The charts are zoomed: follow the newest samples over the whole window again (Esc or a double click on a chart)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App block I/O</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NewAppDialog</name>
    <message>
        <source>New app from git</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Project:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Git URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Branch:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Dockerfile:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deploy it &amp;now</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Mist Monitor desktop app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mist Monitor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The embedded server could not start: %1

You can still connect to a remote server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No Docker engine at %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ServerText</name>
    <message>
        <source>Container not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Container not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Application not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cloning repository...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building Docker image...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image built</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopping previous container...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting new container...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Container started, checking...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment complete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment superseded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only owners and admins may start, stop or restart apps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action in progress</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::AddAppDialog</name>
    <message>
        <source>Enter a name.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::AlertRuleDialog</name>
    <message>
        <source>CPU (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disk (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Container died</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Killed for lack of memory (OOM)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart loop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Health check failing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment succeeded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Docker engine unreachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metric over or under a threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log lines matching a pattern</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only owners and admins see channels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Channels could not be listed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No channels yet: the rule&apos;s alerts go to the desktop only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replay this rule over the recorded figures of the last hour, as the server would have evaluated it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only metric rules can be tested against history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the last hour…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The history could not be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was recorded in the last hour to test against.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>This rule would not have fired in the last hour (%n value(s) tested).</source>
        <translation>
            <numerusform>This rule would not have fired in the last hour (%n value tested).</numerusform>
            <numerusform>This rule would not have fired in the last hour (%n values tested).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>This rule would have fired %n time(s) in the last hour</source>
        <translation>
            <numerusform>This rule would have fired %n time in the last hour</numerusform>
            <numerusform>This rule would have fired %n times in the last hour</numerusform>
        </translation>
    </message>
    <message>
        <source>, the last at %1, and would be firing now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, the last at %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused the rule (HTTP %1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::AlertsView</name>
    <message>
        <source>critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>info</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing is firing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n firing</source>
        <translation>
            <numerusform>%n firing</numerusform>
            <numerusform>%n firing</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> (%n acknowledged)</source>
        <translation>
            <numerusform> (%n acknowledged)</numerusform>
            <numerusform> (%n acknowledged)</numerusform>
        </translation>
    </message>
    <message>
        <source>firing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upstream Mist servers have no alerts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alerts unavailable: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::AppActions</name>
    <message>
        <source>Start, stop and restart are not available on an upstream Mist server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot tell who you are on this server: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No app shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asking the server who you are…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only owners and admins can start, stop or restart apps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An action on %1 is under way</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start %1&apos;s container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop %1&apos;s container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart %1&apos;s container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop %1?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the container of %1? It stays stopped until someone starts it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server answered %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 not changed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::AppLog</name>
    <message>
        <source>HTTP status %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading older lines…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Older lines could not be loaded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The beginning of this app&apos;s history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading newer lines…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Newer lines could not be loaded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the lines around the match…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The lines around the match could not be loaded: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exit %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>out of memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>died</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>restarted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>replaced by deployment #%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>engine back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>engine lost: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::AppStats</name>
    <message>
        <source>%1/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::AppUsageModel</name>
    <message>
        <source>no container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 % of the limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory (used / limit)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Net in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Net out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disk read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disk write</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIDs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restarts</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::AppUsageView</name>
    <message numerus="yes">
        <source>%n app(s) — double-click one to open its logs</source>
        <translation>
            <numerusform>%n app — double-click it to open its logs</numerusform>
            <numerusform>%n apps — double-click one to open its logs</numerusform>
        </translation>
    </message>
    <message>
        <source>Waiting for the apps&apos; figures…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This server sends no per-app figures.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::ConnectDialog</name>
    <message>
        <source>Enter a URL such as https://mist.example.com or ws://host:8080.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your email and password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA certificate: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::ContainerDiscovery</name>
    <message numerus="yes">
        <source>Containers (%n)</source>
        <translation>
            <numerusform>Containers (%n)</numerusform>
            <numerusform>Containers (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>Containers of this host that no app adopts: right-click one to add it as an app.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compose project %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (image %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add containers</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>This host runs %n container(s) and has no apps yet. Add them all as apps (each in its compose project, else in &quot;default&quot;)?</source>
        <translation>
            <numerusform>This host runs %n container(s) and has no apps yet. Add them all as apps (each in its compose project, else in &quot;default&quot;)?</numerusform>
            <numerusform>This host runs %n container(s) and has no apps yet. Add them all as apps (each in its compose project, else in &quot;default&quot;)?</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not add the app: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Added %n app(s)</source>
        <translation>
            <numerusform>Added %n app(s)</numerusform>
            <numerusform>Added %n app(s)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Added %n app(s); not added: %1</source>
        <translation>
            <numerusform>Added %n app(s); not added: %1</numerusform>
            <numerusform>Added %n app(s); not added: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Connect to a server first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not create the app: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add all as apps…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::DeploymentsView</name>
    <message>
        <source>Clone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Build</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop old</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start new</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt; 1 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>building</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>deploying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>success</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed at %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployments of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 adopts an existing container: nothing to deploy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not deploy: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment #%1 succeeded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployment #%1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::FleetView</name>
    <message>
        <source>CPU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU %1%  ·  memory %2%  ·  disk %3%</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>reconnecting in %n s</source>
        <translation>
            <numerusform>reconnecting in %n s</numerusform>
            <numerusform>reconnecting in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>sign-in refused: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stopped: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 hosts live  ·  CPU %3% on average  ·  memory %4 of %5 GiB  ·  disk %6 of %7 GiB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Docker engine unreachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top CPU: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::LogModel</name>
    <message>
        <source>Invalid regular expression at position %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This line was longer than the limit; the rest of it was dropped.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::LogView</name>
    <message>
        <source>Jump to end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 new line — jump to end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 new lines — jump to end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 lines shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No matches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 matches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (the newest; narrow the range for older ones)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (the newest; older ones remain)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>log.txt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text files (*.txt *.log);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The log could not be saved to %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Jump to live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search all of this app&apos;s history on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No history to search: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::MainWindow</name>
    <message>
        <source>connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>connection lost, reconnecting in %n s</source>
        <translation>
            <numerusform>connection lost, reconnecting in %n s</numerusform>
            <numerusform>connection lost, reconnecting in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mist Monitor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not connect to %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password not remembered: no system keychain (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no container</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deployed from %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Container %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Container %1: %2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not connect to %1: CA certificate: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not connect: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2, upstream Mist)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apps could not be listed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n app(s) in an unknown shape left out: %1</source>
        <translation>
            <numerusform>%n app in an unknown shape left out: %1</numerusform>
            <numerusform>%n apps in an unknown shape left out: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Service %1: %2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Swarm service %1 of %n replica(s)</source>
        <translation>
            <numerusform>Swarm service %1 of %n replica</numerusform>
            <numerusform>Swarm service %1 of %n replicas</numerusform>
        </translation>
    </message>
    <message>
        <source>Swarm service %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2 (%3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upstream Mist server: no log history, live lines only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No log history: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alert: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ale&amp;rts (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ale&amp;rts</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) firing</source>
        <translation>
            <numerusform>%n alert firing</numerusform>
            <numerusform>%n alerts firing</numerusform>
        </translation>
    </message>
    <message>
        <source>Connect to a server first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upstream Mist servers have no alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alert rule “%1” saved</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::MetricsView</name>
    <message>
        <source>CPU of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no running container</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n process(es)</source>
        <translation>
            <numerusform>%n process</numerusform>
            <numerusform>%n processes</numerusform>
        </translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>6 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 year</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live only: upstream Mist keeps no metric history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Live only: no history from this server (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n core(s)</source>
        <translation>
            <numerusform>%n core</numerusform>
            <numerusform>%n cores</numerusform>
        </translation>
    </message>
    <message>
        <source>cores unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Containers: %1 running of %2 · Images: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Docker engine unreachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load average: %1, %2, %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Block I/O of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 received, %2 sent (%3 and %4 in all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 read, %2 written (%3 and %4 in all)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stats stream ended</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::NewAppDialog</name>
    <message>
        <source>Enter a name and a git URL.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::SidebarApps</name>
    <message>
        <source>no container</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n restart(s)</source>
        <translation>
            <numerusform>%n restart</numerusform>
            <numerusform>%n restarts</numerusform>
        </translation>
    </message>
    <message>
        <source>CPU %1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Docker engine unreachable on %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Docker engine unreachable at %1 — is dockerd running?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>mist::gui::StatusWords</name>
    <message>
        <source>Less than a second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 seconds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About a minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About an hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 weeks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 months</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 years</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Up %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Up %1 (Paused)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restarting (%1) %2 ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exited (%1) %2 ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removal In Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>restarting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>removing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(healthy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unhealthy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(health: starting)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
