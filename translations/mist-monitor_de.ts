<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AddAppDialog</name>
    <message>
        <source>Add container as app</source>
        <translation>Container als App hinzufügen</translation>
    </message>
    <message>
        <source>Container:</source>
        <translation>Container:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Project:</source>
        <translation>&amp;Projekt:</translation>
    </message>
</context>
<context>
    <name>AlertRuleDialog</name>
    <message>
        <source>New alert rule</source>
        <translation>Neue Alarmregel</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Applies &amp;to:</source>
        <translation>&amp;Gilt für:</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation>A&amp;rt:</translation>
    </message>
    <message>
        <source>Fi&amp;gure:</source>
        <translation>&amp;Messwert:</translation>
    </message>
    <message>
        <source>C&amp;ondition:</source>
        <translation>&amp;Bedingung:</translation>
    </message>
    <message>
        <source>For at &amp;least:</source>
        <translation>Mindestens &amp;für:</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>&amp;Event:</source>
        <translation>&amp;Ereignis:</translation>
    </message>
    <message>
        <source>&amp;Restarts:</source>
        <translation>Neus&amp;tarts:</translation>
    </message>
    <message>
        <source>&amp;Within:</source>
        <translation>&amp;Innerhalb von:</translation>
    </message>
    <message>
        <source>&amp;Pattern:</source>
        <translation>M&amp;uster:</translation>
    </message>
    <message>
        <source>&amp;Matches:</source>
        <translation>&amp;Anzahl:</translation>
    </message>
    <message>
        <source>Se&amp;verity:</source>
        <translation>Sch&amp;weregrad:</translation>
    </message>
    <message>
        <source>Cool&amp;down:</source>
        <translation>Ruhe&amp;zeit:</translation>
    </message>
    <message>
        <source>Ch&amp;annels:</source>
        <translation>&amp;Kanäle:</translation>
    </message>
    <message>
        <source>Test against the last &amp;hour</source>
        <translation>An der letzten &amp;Stunde prüfen</translation>
    </message>
</context>
<context>
    <name>AlertsView</name>
    <message>
        <source>No alerts</source>
        <translation>Keine Alarme</translation>
    </message>
    <message>
        <source>Mark the selected firing alerts as seen on this desktop: they stay listed but no longer count in the tab and the sidebar</source>
        <translation>Die ausgewählten aktiven Alarme auf diesem Desktop als gesehen markieren: Sie bleiben aufgeführt, zählen aber nicht mehr im Reiter und in der Seitenleiste</translation>
    </message>
    <message>
        <source>A&amp;cknowledge</source>
        <translation>&amp;Bestätigen</translation>
    </message>
    <message>
        <source>Acknowledge &amp;all</source>
        <translation>A&amp;lle bestätigen</translation>
    </message>
    <message>
        <source>Firing now</source>
        <translation>Jetzt aktiv</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Seit</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>A rule that alerts when a figure crosses a threshold, an event happens or log lines match</source>
        <translation>Eine Regel, die alarmiert, wenn ein Messwert eine Schwelle überschreitet, ein Ereignis eintritt oder Logzeilen passen</translation>
    </message>
    <message>
        <source>New rul&amp;e…</source>
        <translation>Neue R&amp;egel…</translation>
    </message>
</context>
<context>
    <name>AppUsageView</name>
    <message>
        <source>Every app of the shown host, live each second; click a column&apos;s header to sort by it</source>
        <translation>Jede App des gezeigten Hosts, jede Sekunde aktuell; ein Klick auf einen Spaltenkopf sortiert danach</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Connect to a Mist server</source>
        <translation>Mit einem Mist-Server verbinden</translation>
    </message>
    <message>
        <source>Server &amp;URL:</source>
        <translation>Server-&amp;URL:</translation>
    </message>
    <message>
        <source>https://mist.example.com or ws://host:8080</source>
        <translation>https://mist.example.com oder ws://host:8080</translation>
    </message>
    <message>
        <source>&amp;Email:</source>
        <translation>&amp;E-Mail:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>&amp;Remember (password in the system keychain)</source>
        <translation>&amp;Merken (Passwort im Schlüsselbund des Systems)</translation>
    </message>
    <message>
        <source>CA cer&amp;tificate:</source>
        <translation>CA-Zer&amp;tifikat:</translation>
    </message>
    <message>
        <source>optional PEM file; empty: the system&apos;s CAs</source>
        <translation>optionale PEM-Datei; leer: die CAs des Systems</translation>
    </message>
    <message>
        <source>Trust only this CA for the server&apos;s certificate, e.g. a private CA.</source>
        <translation>Für das Zertifikat des Servers nur dieser CA vertrauen, z. B. einer privaten CA.</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
</context>
<context>
    <name>DeploymentsView</name>
    <message>
        <source>Select an app</source>
        <translation>Wählen Sie eine App aus</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Deploy the app&apos;s branch now (Ctrl+D)</source>
        <translation>Branch der App jetzt bereitstellen (Strg+D)</translation>
    </message>
    <message>
        <source>&amp;Deploy</source>
        <translation>Be&amp;reitstellen</translation>
    </message>
    <message>
        <source>Deployment</source>
        <translation>Bereitstellung</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Commit</source>
        <translation>Commit</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
</context>
<context>
    <name>FleetHostCard</name>
    <message>
        <source>Show this host&apos;s apps, logs, deployments and charts</source>
        <translation>Apps, Logs, Deployments und Diagramme dieses Hosts zeigen</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
</context>
<context>
    <name>FleetView</name>
    <message>
        <source>No hosts yet: connect to a server (Connection menu).</source>
        <translation>Noch keine Hosts: mit einem Server verbinden (Menü Verbindung).</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <source>Follow the end of the log (End)</source>
        <translation>Dem Protokollende folgen (Ende)</translation>
    </message>
    <message>
        <source>Enter or F3: next match; Shift+Enter or Shift+F3: previous</source>
        <translation>Enter oder F3: nächster Treffer; Umschalt+Enter oder Umschalt+F3: vorheriger</translation>
    </message>
    <message>
        <source>Search (Ctrl+F)</source>
        <translation>Suchen (Strg+F)</translation>
    </message>
    <message>
        <source>Filter lines</source>
        <translation>Zeilen filtern</translation>
    </message>
    <message>
        <source>Filter with a regular expression</source>
        <translation>Mit regulärem Ausdruck filtern</translation>
    </message>
    <message>
        <source>.*</source>
        <translation>.*</translation>
    </message>
    <message>
        <source>All streams</source>
        <translation>Alle Kanäle</translation>
    </message>
    <message>
        <source>stdout</source>
        <translation>stdout</translation>
    </message>
    <message>
        <source>stderr</source>
        <translation>stderr</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Vorheriger</translation>
    </message>
    <message>
        <source>Previous match (Shift+F3)</source>
        <translation>Vorheriger Treffer (Umschalt+F3)</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Nächster</translation>
    </message>
    <message>
        <source>Next match (F3)</source>
        <translation>Nächster Treffer (F3)</translation>
    </message>
    <message>
        <source>Timestamps</source>
        <translation>Zeitstempel</translation>
    </message>
    <message>
        <source>Wrap</source>
        <translation>Umbrechen</translation>
    </message>
    <message>
        <source>Wrap long lines</source>
        <translation>Lange Zeilen umbrechen</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Speichern …</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>&amp;Time range:</source>
        <translation>&amp;Zeitraum:</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last day</source>
        <translation>Letzter Tag</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Gesamter Zeitraum</translation>
    </message>
    <message>
        <source>Search history</source>
        <translation>Verlauf durchsuchen</translation>
    </message>
    <message>
        <source>More: timestamps, wrapping, copy, save, clear</source>
        <translation>Mehr: Zeitstempel, Umbruch, Kopieren, Speichern, Leeren</translation>
    </message>
    <message>
        <source>⋯</source>
        <translation>⋯</translation>
    </message>
    <message>
        <source>Older matches</source>
        <translation>Ältere Treffer</translation>
    </message>
    <message>
        <source>Load the next older matches of this search</source>
        <translation>Die nächsten älteren Treffer dieser Suche laden</translation>
    </message>
    <message>
        <source>Search the search field&apos;s regular expression (RE2) in everything the server kept of this app</source>
        <translation>Den regulären Ausdruck des Suchfelds (RE2) in allem suchen, was der Server von dieser App aufbewahrt hat</translation>
    </message>
    <message>
        <source>Enter or double-click: show the line in its context</source>
        <translation>Eingabe oder Doppelklick: die Zeile in ihrem Zusammenhang zeigen</translation>
    </message>
    <message>
        <source>All history</source>
        <translation>Gesamter Verlauf</translation>
    </message>
    <message>
        <source>Search all of this app&apos;s history on the server</source>
        <translation>Den gesamten Verlauf dieser App auf dem Server durchsuchen</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Start the app&apos;s container</source>
        <translation>Den Container der App starten</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message>
        <source>Stop the app&apos;s container</source>
        <translation>Den Container der App stoppen</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>Neu starten</translation>
    </message>
    <message>
        <source>Restart the app&apos;s container</source>
        <translation>Den Container der App neu starten</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Mist Monitor</source>
        <translation>Mist Monitor</translation>
    </message>
    <message>
        <source>&amp;Metrics</source>
        <translation>&amp;Messwerte</translation>
    </message>
    <message>
        <source>&amp;Logs</source>
        <translation>&amp;Protokoll</translation>
    </message>
    <message>
        <source>De&amp;ployments</source>
        <translation>&amp;Bereitstellungen</translation>
    </message>
    <message>
        <source>Flee&amp;t</source>
        <translation>&amp;Flotte</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Connection</source>
        <translation>&amp;Verbindung</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Local server</source>
        <translation>&amp;Lokaler Server</translation>
    </message>
    <message>
        <source>Connect to &amp;remote server…</source>
        <translation>Mit &amp;entferntem Server verbinden …</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Messwerte</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Deployments</source>
        <translation>Bereitstellungen</translation>
    </message>
    <message>
        <source>Apps list</source>
        <translation>App-Liste</translation>
    </message>
    <message>
        <source>&amp;Apps</source>
        <translation>A&amp;nwendungen</translation>
    </message>
    <message>
        <source>&amp;New app…</source>
        <translation>&amp;Neue App…</translation>
    </message>
    <message>
        <source>Create an app built from a git repository, and deploy it</source>
        <translation>Eine App aus einem Git-Repository anlegen und bereitstellen</translation>
    </message>
    <message>
        <source>&amp;Add as app…</source>
        <translation>Als App &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>Add the selected container as an app</source>
        <translation>Den gewählten Container als App hinzufügen</translation>
    </message>
    <message>
        <source>Ale&amp;rts</source>
        <translation>Ala&amp;rme</translation>
    </message>
    <message>
        <source>App &amp;usage</source>
        <translation>App-A&amp;uslastung</translation>
    </message>
    <message>
        <source>New alert ru&amp;le…</source>
        <translation>Neue A&amp;larmregel…</translation>
    </message>
    <message>
        <source>A rule that alerts when a figure crosses a threshold, an event happens or log lines match, for the host or the selected app</source>
        <translation>Eine Regel, die alarmiert, wenn ein Messwert eine Schwelle überschreitet, ein Ereignis eintritt oder Logzeilen passen, für den Host oder die gewählte App</translation>
    </message>
</context>
<context>
    <name>MetricsView</name>
    <message>
        <source>Window:</source>
        <translation>Zeitraum:</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Processes running or waiting, averaged over 1, 5 and 15 minutes (given by upstream Mist servers)</source>
        <translation>Laufende oder wartende Prozesse, gemittelt über 1, 5 und 15 Minuten (von Upstream-Mist-Servern geliefert)</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>Disk</source>
        <translation>Datenträger</translation>
    </message>
    <message>
        <source>The charts show only what arrived since they opened: this server gives no earlier figures</source>
        <translation>Die Diagramme zeigen nur, was seit dem Öffnen ankam: dieser Server liefert keine früheren Werte</translation>
    </message>
    <message>
        <source>App CPU</source>
        <translation>App-CPU</translation>
    </message>
    <message>
        <source>App memory</source>
        <translation>App-Speicher</translation>
    </message>
    <message>
        <source>The charts are zoomed: follow the newest samples over the whole window again (Esc or a double click on a chart)</source>
        <translation>Die Diagramme sind vergrößert: wieder den neuesten Werten über das ganze Zeitfenster folgen (Esc oder Doppelklick auf ein Diagramm)</translation>
    </message>
    <message>
        <source>Back to live</source>
        <translation>Zurück zu live</translation>
    </message>
    <message>
        <source>App network</source>
        <translation>Netzwerk der App</translation>
    </message>
    <message>
        <source>App block I/O</source>
        <translation>Block-E/A der App</translation>
    </message>
</context>
<context>
    <name>NewAppDialog</name>
    <message>
        <source>New app from git</source>
        <translation>Neue App aus Git</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Project:</source>
        <translation>&amp;Projekt:</translation>
    </message>
    <message>
        <source>&amp;Git URL:</source>
        <translation>&amp;Git-URL:</translation>
    </message>
    <message>
        <source>&amp;Branch:</source>
        <translation>&amp;Branch:</translation>
    </message>
    <message>
        <source>&amp;Dockerfile:</source>
        <translation>&amp;Dockerfile:</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>P&amp;ort:</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>Deploy it &amp;now</source>
        <translation>&amp;Jetzt bereitstellen</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Mist Monitor desktop app</source>
        <translation>Desktop-App von Mist Monitor</translation>
    </message>
    <message>
        <source>Mist Monitor</source>
        <translation>Mist Monitor</translation>
    </message>
    <message>
        <source>The embedded server could not start: %1

You can still connect to a remote server.</source>
        <translation>Der eingebettete Server konnte nicht gestartet werden: %1

Sie können sich trotzdem mit einem entfernten Server verbinden.</translation>
    </message>
    <message>
        <source>Local server</source>
        <translation>Lokaler Server</translation>
    </message>
    <message>
        <source>No Docker engine at %1: %2</source>
        <translation>Keine Docker-Engine unter %1: %2</translation>
    </message>
</context>
<context>
    <name>ServerText</name>
    <message>
        <source>Container not running</source>
        <translation>Container läuft nicht</translation>
    </message>
    <message>
        <source>Container not found</source>
        <translation>Container nicht gefunden</translation>
    </message>
    <message>
        <source>Service not found</source>
        <translation>Dienst nicht gefunden</translation>
    </message>
    <message>
        <source>Service removed</source>
        <translation>Dienst entfernt</translation>
    </message>
    <message>
        <source>Application not found</source>
        <translation>Anwendung nicht gefunden</translation>
    </message>
    <message>
        <source>Deployment not found</source>
        <translation>Bereitstellung nicht gefunden</translation>
    </message>
    <message>
        <source>Deployment queued</source>
        <translation>Bereitstellung eingereiht</translation>
    </message>
    <message>
        <source>Cloning repository...</source>
        <translation>Repository wird geklont …</translation>
    </message>
    <message>
        <source>Building Docker image...</source>
        <translation>Docker-Image wird gebaut …</translation>
    </message>
    <message>
        <source>Image built</source>
        <translation>Image gebaut</translation>
    </message>
    <message>
        <source>Stopping previous container...</source>
        <translation>Vorheriger Container wird gestoppt …</translation>
    </message>
    <message>
        <source>Starting new container...</source>
        <translation>Neuer Container wird gestartet …</translation>
    </message>
    <message>
        <source>Container started, checking...</source>
        <translation>Container gestartet, wird geprüft …</translation>
    </message>
    <message>
        <source>Deployment complete</source>
        <translation>Bereitstellung abgeschlossen</translation>
    </message>
    <message>
        <source>Deployment failed</source>
        <translation>Bereitstellung fehlgeschlagen</translation>
    </message>
    <message>
        <source>Deployment cancelled</source>
        <translation>Bereitstellung abgebrochen</translation>
    </message>
    <message>
        <source>Deployment superseded</source>
        <translation>Bereitstellung ersetzt</translation>
    </message>
    <message>
        <source>Only owners and admins may start, stop or restart apps</source>
        <translation>Nur Eigentümer und Admins dürfen Apps starten, stoppen oder neu starten</translation>
    </message>
    <message>
        <source>Action in progress</source>
        <translation>Eine Aktion läuft bereits</translation>
    </message>
</context>
<context>
    <name>mist::gui::AddAppDialog</name>
    <message>
        <source>Enter a name.</source>
        <translation>Geben Sie einen Namen ein.</translation>
    </message>
</context>
<context>
    <name>mist::gui::AlertRuleDialog</name>
    <message>
        <source>CPU (%)</source>
        <translation>CPU (%)</translation>
    </message>
    <message>
        <source>Memory (%)</source>
        <translation>Arbeitsspeicher (%)</translation>
    </message>
    <message>
        <source>Disk (%)</source>
        <translation>Festplatte (%)</translation>
    </message>
    <message>
        <source>Container died</source>
        <translation>Container beendet</translation>
    </message>
    <message>
        <source>Killed for lack of memory (OOM)</source>
        <translation>Wegen Speichermangels beendet (OOM)</translation>
    </message>
    <message>
        <source>Restart loop</source>
        <translation>Neustart-Schleife</translation>
    </message>
    <message>
        <source>Health check failing</source>
        <translation>Health-Check schlägt fehl</translation>
    </message>
    <message>
        <source>Deployment failed</source>
        <translation>Deployment fehlgeschlagen</translation>
    </message>
    <message>
        <source>Deployment succeeded</source>
        <translation>Deployment erfolgreich</translation>
    </message>
    <message>
        <source>Docker engine unreachable</source>
        <translation>Docker-Engine nicht erreichbar</translation>
    </message>
    <message>
        <source>Metric over or under a threshold</source>
        <translation>Messwert über oder unter einer Schwelle</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Log lines matching a pattern</source>
        <translation>Logzeilen, die auf ein Muster passen</translation>
    </message>
    <message>
        <source>above</source>
        <translation>über</translation>
    </message>
    <message>
        <source>below</source>
        <translation>unter</translation>
    </message>
    <message>
        <source>This host</source>
        <translation>Dieser Host</translation>
    </message>
    <message>
        <source>App %1</source>
        <translation>App %1</translation>
    </message>
    <message>
        <source>Only owners and admins see channels</source>
        <translation>Nur Eigentümer und Admins sehen Kanäle</translation>
    </message>
    <message>
        <source>Channels could not be listed: %1</source>
        <translation>Kanäle konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>No channels yet: the rule&apos;s alerts go to the desktop only</source>
        <translation>Noch keine Kanäle: die Alarme der Regel erscheinen nur auf dem Desktop</translation>
    </message>
    <message>
        <source>Replay this rule over the recorded figures of the last hour, as the server would have evaluated it</source>
        <translation>Spielt diese Regel über die aufgezeichneten Messwerte der letzten Stunde ab, wie der Server sie ausgewertet hätte</translation>
    </message>
    <message>
        <source>Only metric rules can be tested against history</source>
        <translation>Nur Messwert-Regeln lassen sich am Verlauf prüfen</translation>
    </message>
    <message>
        <source>Reading the last hour…</source>
        <translation>Lese die letzte Stunde…</translation>
    </message>
    <message>
        <source>The history could not be read: %1</source>
        <translation>Der Verlauf konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Nothing was recorded in the last hour to test against.</source>
        <translation>In der letzten Stunde wurde nichts aufgezeichnet, woran sich prüfen ließe.</translation>
    </message>
    <message numerus="yes">
        <source>This rule would not have fired in the last hour (%n value(s) tested).</source>
        <translation>
            <numerusform>Diese Regel hätte in der letzten Stunde nicht ausgelöst (%n Wert geprüft).</numerusform>
            <numerusform>Diese Regel hätte in der letzten Stunde nicht ausgelöst (%n Werte geprüft).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>This rule would have fired %n time(s) in the last hour</source>
        <translation>
            <numerusform>Diese Regel hätte in der letzten Stunde %n-mal ausgelöst</numerusform>
            <numerusform>Diese Regel hätte in der letzten Stunde %n-mal ausgelöst</numerusform>
        </translation>
    </message>
    <message>
        <source>, the last at %1, and would be firing now.</source>
        <translation>, zuletzt um %1, und wäre jetzt aktiv.</translation>
    </message>
    <message>
        <source>, the last at %1.</source>
        <translation>, zuletzt um %1.</translation>
    </message>
    <message>
        <source>The server refused the rule (HTTP %1)</source>
        <translation>Der Server hat die Regel abgelehnt (HTTP %1)</translation>
    </message>
</context>
<context>
    <name>mist::gui::AlertsView</name>
    <message>
        <source>critical</source>
        <translation>kritisch</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>Nothing is firing.</source>
        <translation>Kein Alarm ist aktiv.</translation>
    </message>
    <message numerus="yes">
        <source>%n firing</source>
        <translation>
            <numerusform>%n aktiv</numerusform>
            <numerusform>%n aktiv</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> (%n acknowledged)</source>
        <translation>
            <numerusform> (%n bestätigt)</numerusform>
            <numerusform> (%n bestätigt)</numerusform>
        </translation>
    </message>
    <message>
        <source>firing</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>behoben</translation>
    </message>
    <message>
        <source>Upstream Mist servers have no alerts.</source>
        <translation>Upstream-Mist-Server haben keine Alarme.</translation>
    </message>
    <message>
        <source>Alerts unavailable: %1</source>
        <translation>Alarme nicht verfügbar: %1</translation>
    </message>
</context>
<context>
    <name>mist::gui::AppActions</name>
    <message>
        <source>Start, stop and restart are not available on an upstream Mist server</source>
        <translation>Starten, Stoppen und Neustarten gibt es auf einem Upstream-Mist-Server nicht</translation>
    </message>
    <message>
        <source>Cannot tell who you are on this server: %1</source>
        <translation>Unklar, wer Sie auf diesem Server sind: %1</translation>
    </message>
    <message>
        <source>No app shown</source>
        <translation>Keine App angezeigt</translation>
    </message>
    <message>
        <source>Asking the server who you are…</source>
        <translation>Der Server wird gefragt, wer Sie sind …</translation>
    </message>
    <message>
        <source>Only owners and admins can start, stop or restart apps</source>
        <translation>Nur Eigentümer und Admins können Apps starten, stoppen oder neu starten</translation>
    </message>
    <message>
        <source>An action on %1 is under way</source>
        <translation>Eine Aktion an %1 läuft</translation>
    </message>
    <message>
        <source>Start %1&apos;s container</source>
        <translation>Container von %1 starten</translation>
    </message>
    <message>
        <source>Stop %1&apos;s container</source>
        <translation>Container von %1 stoppen</translation>
    </message>
    <message>
        <source>Restart %1&apos;s container</source>
        <translation>Container von %1 neu starten</translation>
    </message>
    <message>
        <source>Stop %1?</source>
        <translation>%1 stoppen?</translation>
    </message>
    <message>
        <source>Stop the container of %1? It stays stopped until someone starts it again.</source>
        <translation>Den Container von %1 stoppen? Er bleibt gestoppt, bis ihn jemand wieder startet.</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message>
        <source>The server answered %1</source>
        <translation>Der Server antwortete %1</translation>
    </message>
    <message>
        <source>%1 not changed</source>
        <translation>%1 nicht geändert</translation>
    </message>
</context>
<context>
    <name>mist::gui::AppLog</name>
    <message>
        <source>HTTP status %1</source>
        <translation>HTTP-Status %1</translation>
    </message>
    <message>
        <source>Loading older lines…</source>
        <translation>Ältere Zeilen werden geladen…</translation>
    </message>
    <message>
        <source>Older lines could not be loaded: %1</source>
        <translation>Ältere Zeilen konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>The beginning of this app&apos;s history</source>
        <translation>Der Anfang des Verlaufs dieser App</translation>
    </message>
    <message>
        <source>Loading newer lines…</source>
        <translation>Neuere Zeilen werden geladen…</translation>
    </message>
    <message>
        <source>Newer lines could not be loaded: %1</source>
        <translation>Neuere Zeilen konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Loading the lines around the match…</source>
        <translation>Die Zeilen um den Treffer werden geladen…</translation>
    </message>
    <message>
        <source>The lines around the match could not be loaded: %1</source>
        <translation>Die Zeilen um den Treffer konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>exit %1</source>
        <translation>Exit %1</translation>
    </message>
    <message>
        <source>out of memory</source>
        <translation>Speicher erschöpft</translation>
    </message>
    <message>
        <source>died</source>
        <translation>beendet</translation>
    </message>
    <message>
        <source>restarted</source>
        <translation>neu gestartet</translation>
    </message>
    <message>
        <source>started</source>
        <translation>gestartet</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>entfernt</translation>
    </message>
    <message>
        <source>replaced by deployment #%1</source>
        <translation>ersetzt durch Bereitstellung #%1</translation>
    </message>
    <message>
        <source>engine back</source>
        <translation>Engine wieder erreichbar</translation>
    </message>
    <message>
        <source>engine lost: %1</source>
        <translation>Engine verloren: %1</translation>
    </message>
</context>
<context>
    <name>mist::gui::AppStats</name>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
</context>
<context>
    <name>mist::gui::AppUsageModel</name>
    <message>
        <source>no container</source>
        <translation>kein Container</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 % of the limit</source>
        <translation>%1 % des Limits</translation>
    </message>
    <message>
        <source>App</source>
        <translation>App</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Memory (used / limit)</source>
        <translation>Speicher (belegt / Limit)</translation>
    </message>
    <message>
        <source>Net in</source>
        <translation>Netz ein</translation>
    </message>
    <message>
        <source>Net out</source>
        <translation>Netz aus</translation>
    </message>
    <message>
        <source>Disk read</source>
        <translation>Platte lesen</translation>
    </message>
    <message>
        <source>Disk write</source>
        <translation>Platte schreiben</translation>
    </message>
    <message>
        <source>PIDs</source>
        <translation>PIDs</translation>
    </message>
    <message>
        <source>Restarts</source>
        <translation>Neustarts</translation>
    </message>
</context>
<context>
    <name>mist::gui::AppUsageView</name>
    <message numerus="yes">
        <source>%n app(s) — double-click one to open its logs</source>
        <translation>
            <numerusform>%n App — Doppelklick öffnet ihr Protokoll</numerusform>
            <numerusform>%n Apps — Doppelklick auf eine öffnet ihr Protokoll</numerusform>
        </translation>
    </message>
    <message>
        <source>Waiting for the apps&apos; figures…</source>
        <translation>Warte auf die Messwerte der Apps …</translation>
    </message>
    <message>
        <source>This server sends no per-app figures.</source>
        <translation>Dieser Server sendet keine Messwerte je App.</translation>
    </message>
</context>
<context>
    <name>mist::gui::ConnectDialog</name>
    <message>
        <source>Enter a URL such as https://mist.example.com or ws://host:8080.</source>
        <translation>Geben Sie eine URL wie https://mist.example.com oder ws://host:8080 ein.</translation>
    </message>
    <message>
        <source>Enter your email and password.</source>
        <translation>Geben Sie Ihre E-Mail-Adresse und Ihr Passwort ein.</translation>
    </message>
    <message>
        <source>CA certificate: %1</source>
        <translation>CA-Zertifikat: %1</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>CA-Zertifikat</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt);;All files (*)</source>
        <translation>PEM-Zertifikate (*.pem *.crt);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>mist::gui::ContainerDiscovery</name>
    <message numerus="yes">
        <source>Containers (%n)</source>
        <translation>
            <numerusform>Container (%n)</numerusform>
            <numerusform>Container (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>Containers of this host that no app adopts: right-click one to add it as an app.</source>
        <translation>Container dieses Hosts, die keine App übernimmt: Rechtsklick auf einen, um ihn als App hinzuzufügen.</translation>
    </message>
    <message>
        <source>Compose project %1</source>
        <translation>Compose-Projekt %1</translation>
    </message>
    <message>
        <source>%1 (image %2)</source>
        <translation>%1 (Image %2)</translation>
    </message>
    <message>
        <source>Add containers</source>
        <translation>Container hinzufügen</translation>
    </message>
    <message numerus="yes">
        <source>This host runs %n container(s) and has no apps yet. Add them all as apps (each in its compose project, else in &quot;default&quot;)?</source>
        <translation>
            <numerusform>Auf diesem Host läuft %n Container, und er hat noch keine Apps. Als App hinzufügen (im eigenen Compose-Projekt, sonst in „default“)?</numerusform>
            <numerusform>Auf diesem Host laufen %n Container, und er hat noch keine Apps. Alle als Apps hinzufügen (jeden in seinem Compose-Projekt, sonst in „default“)?</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not add the app: %1</source>
        <translation>Die App konnte nicht hinzugefügt werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>Added %n app(s)</source>
        <translation>
            <numerusform>%n App hinzugefügt</numerusform>
            <numerusform>%n Apps hinzugefügt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Added %n app(s); not added: %1</source>
        <translation>
            <numerusform>%n App hinzugefügt; nicht hinzugefügt: %1</numerusform>
            <numerusform>%n Apps hinzugefügt; nicht hinzugefügt: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Connect to a server first.</source>
        <translation>Verbinden Sie sich zuerst mit einem Server.</translation>
    </message>
    <message>
        <source>Could not create the app: %1</source>
        <translation>Die App konnte nicht angelegt werden: %1</translation>
    </message>
    <message>
        <source>Add all as apps…</source>
        <translation>Alle als Apps hinzufügen…</translation>
    </message>
</context>
<context>
    <name>mist::gui::DeploymentsView</name>
    <message>
        <source>Clone</source>
        <translation>Klonen</translation>
    </message>
    <message>
        <source>Build</source>
        <translation>Erstellen</translation>
    </message>
    <message>
        <source>Stop old</source>
        <translation>Alten stoppen</translation>
    </message>
    <message>
        <source>Start new</source>
        <translation>Neuen starten</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>&lt; 1 s</source>
        <translation>&lt; 1 s</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>wartend</translation>
    </message>
    <message>
        <source>building</source>
        <translation>wird gebaut</translation>
    </message>
    <message>
        <source>deploying</source>
        <translation>wird bereitgestellt</translation>
    </message>
    <message>
        <source>success</source>
        <translation>erfolgreich</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Failed at %1</source>
        <translation>Fehlgeschlagen bei %1</translation>
    </message>
    <message>
        <source>Deployments of %1</source>
        <translation>Bereitstellungen von %1</translation>
    </message>
    <message>
        <source>%1 adopts an existing container: nothing to deploy</source>
        <translation>%1 übernimmt einen vorhandenen Container: nichts bereitzustellen</translation>
    </message>
    <message>
        <source>Could not deploy: %1</source>
        <translation>Bereitstellung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Deployment #%1 succeeded</source>
        <translation>Bereitstellung #%1 erfolgreich</translation>
    </message>
    <message>
        <source>Deployment #%1 failed: %2</source>
        <translation>Bereitstellung #%1 fehlgeschlagen: %2</translation>
    </message>
</context>
<context>
    <name>mist::gui::FleetView</name>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>Speicher</translation>
    </message>
    <message>
        <source>Disk</source>
        <translation>Datenträger</translation>
    </message>
    <message>
        <source>CPU %1%  ·  memory %2%  ·  disk %3%</source>
        <translation>CPU %1%  ·  Speicher %2%  ·  Datenträger %3%</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>wird verbunden …</translation>
    </message>
    <message numerus="yes">
        <source>reconnecting in %n s</source>
        <translation>
            <numerusform>neuer Versuch in %n s</numerusform>
            <numerusform>neuer Versuch in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>sign-in refused: %1</source>
        <translation>Anmeldung abgelehnt: %1</translation>
    </message>
    <message>
        <source>stopped: %1</source>
        <translation>angehalten: %1</translation>
    </message>
    <message>
        <source>%1 of %2 hosts live  ·  CPU %3% on average  ·  memory %4 of %5 GiB  ·  disk %6 of %7 GiB</source>
        <translation>%1 von %2 Hosts erreichbar  ·  CPU im Mittel %3%  ·  Speicher %4 von %5 GiB  ·  Datenträger %6 von %7 GiB</translation>
    </message>
    <message>
        <source>Docker engine unreachable</source>
        <translation>Docker-Engine nicht erreichbar</translation>
    </message>
    <message>
        <source>no container</source>
        <translation>kein Container</translation>
    </message>
    <message>
        <source>Top CPU: %1</source>
        <translation>Meiste CPU: %1</translation>
    </message>
</context>
<context>
    <name>mist::gui::LogModel</name>
    <message>
        <source>Invalid regular expression at position %1: %2</source>
        <translation>Ungültiger regulärer Ausdruck an Position %1: %2</translation>
    </message>
    <message>
        <source>This line was longer than the limit; the rest of it was dropped.</source>
        <translation>Diese Zeile war länger als erlaubt; der Rest wurde verworfen.</translation>
    </message>
</context>
<context>
    <name>mist::gui::LogView</name>
    <message>
        <source>Jump to end</source>
        <translation>Zum Ende springen</translation>
    </message>
    <message>
        <source>1 new line — jump to end</source>
        <translation>1 neue Zeile — zum Ende springen</translation>
    </message>
    <message>
        <source>%1 new lines — jump to end</source>
        <translation>%1 neue Zeilen — zum Ende springen</translation>
    </message>
    <message>
        <source>%1 of %2 lines shown</source>
        <translation>%1 von %2 Zeilen angezeigt</translation>
    </message>
    <message>
        <source>1 line</source>
        <translation>1 Zeile</translation>
    </message>
    <message>
        <source>%1 lines</source>
        <translation>%1 Zeilen</translation>
    </message>
    <message>
        <source>No matches</source>
        <translation>Keine Treffer</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>1 match</source>
        <translation>1 Treffer</translation>
    </message>
    <message>
        <source>%1 matches</source>
        <translation>%1 Treffer</translation>
    </message>
    <message>
        <source>%1 (the newest; narrow the range for older ones)</source>
        <translation>%1 (die neuesten; für ältere den Zeitraum eingrenzen)</translation>
    </message>
    <message>
        <source>%1 (the newest; older ones remain)</source>
        <translation>%1 (die neuesten; es gibt ältere)</translation>
    </message>
    <message>
        <source>Save log</source>
        <translation>Protokoll speichern</translation>
    </message>
    <message>
        <source>log.txt</source>
        <translation>protokoll.txt</translation>
    </message>
    <message>
        <source>Text files (*.txt *.log);;All files (*)</source>
        <translation>Textdateien (*.txt *.log);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>The log could not be saved to %1: %2</source>
        <translation>Das Protokoll konnte nicht unter %1 gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Jump to live</source>
        <translation>Zu den laufenden Zeilen</translation>
    </message>
    <message>
        <source>Search all of this app&apos;s history on the server</source>
        <translation>Den gesamten Verlauf dieser App auf dem Server durchsuchen</translation>
    </message>
    <message>
        <source>No history to search: %1</source>
        <translation>Kein Verlauf zum Durchsuchen: %1</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche läuft…</translation>
    </message>
</context>
<context>
    <name>mist::gui::MainWindow</name>
    <message>
        <source>connecting…</source>
        <translation>wird verbunden …</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message numerus="yes">
        <source>connection lost, reconnecting in %n s</source>
        <translation>
            <numerusform>Verbindung unterbrochen, neuer Versuch in %n s</numerusform>
            <numerusform>Verbindung unterbrochen, neuer Versuch in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>nicht verbunden</translation>
    </message>
    <message>
        <source>Mist Monitor</source>
        <translation>Mist Monitor</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Signing in to %1…</source>
        <translation>Anmeldung bei %1 …</translation>
    </message>
    <message>
        <source>Could not connect to %1: %2</source>
        <translation>Verbindung zu %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Password not remembered: no system keychain (%1)</source>
        <translation>Passwort nicht gespeichert: kein Schlüsselbund des Systems verfügbar (%1)</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>no container</source>
        <translation>kein Container</translation>
    </message>
    <message>
        <source>Deployed from %1</source>
        <translation>Bereitgestellt aus %1</translation>
    </message>
    <message>
        <source>Container %1</source>
        <translation>Container %1</translation>
    </message>
    <message>
        <source>Container %1: %2 (%3)</source>
        <translation>Container %1: %2 (%3)</translation>
    </message>
    <message>
        <source>Could not connect to %1: CA certificate: %2</source>
        <translation>Verbindung zu %1 fehlgeschlagen: CA-Zertifikat: %2</translation>
    </message>
    <message>
        <source>Could not connect: %1</source>
        <translation>Verbindung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>%1 (%2, upstream Mist)</source>
        <translation>%1 (%2, Upstream-Mist)</translation>
    </message>
    <message>
        <source>Apps could not be listed: %1</source>
        <translation>Apps konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n app(s) in an unknown shape left out: %1</source>
        <translation>
            <numerusform>%n App in unbekannter Form ausgelassen: %1</numerusform>
            <numerusform>%n Apps in unbekannter Form ausgelassen: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Service %1: %2 (%3)</source>
        <translation>Dienst %1: %2 (%3)</translation>
    </message>
    <message numerus="yes">
        <source>Swarm service %1 of %n replica(s)</source>
        <translation>
            <numerusform>Swarm-Dienst %1 mit %n Replik</numerusform>
            <numerusform>Swarm-Dienst %1 mit %n Repliken</numerusform>
        </translation>
    </message>
    <message>
        <source>Swarm service %1</source>
        <translation>Swarm-Dienst %1</translation>
    </message>
    <message>
        <source>%1 on %2 (%3)</source>
        <translation>%1 auf %2 (%3)</translation>
    </message>
    <message>
        <source>Upstream Mist server: no log history, live lines only</source>
        <translation>Upstream-Mist-Server: kein Protokollverlauf, nur laufende Zeilen</translation>
    </message>
    <message>
        <source>No log history: %1</source>
        <translation>Kein Protokollverlauf: %1</translation>
    </message>
    <message>
        <source>Alert: %1</source>
        <translation>Alarm: %1</translation>
    </message>
    <message>
        <source>Ale&amp;rts (%1)</source>
        <translation>Ala&amp;rme (%1)</translation>
    </message>
    <message>
        <source>Ale&amp;rts</source>
        <translation>Ala&amp;rme</translation>
    </message>
    <message numerus="yes">
        <source>%n alert(s) firing</source>
        <translation>
            <numerusform>%n Alarm aktiv</numerusform>
            <numerusform>%n Alarme aktiv</numerusform>
        </translation>
    </message>
    <message>
        <source>Connect to a server first</source>
        <translation>Zuerst mit einem Server verbinden</translation>
    </message>
    <message>
        <source>Upstream Mist servers have no alerts</source>
        <translation>Upstream-Mist-Server haben keine Alarme</translation>
    </message>
    <message>
        <source>Alert rule “%1” saved</source>
        <translation>Alarmregel „%1“ gespeichert</translation>
    </message>
</context>
<context>
    <name>mist::gui::MetricsView</name>
    <message>
        <source>CPU of %1</source>
        <translation>CPU von %1</translation>
    </message>
    <message>
        <source>Memory of %1</source>
        <translation>Speicher von %1</translation>
    </message>
    <message>
        <source>no running container</source>
        <translation>kein laufender Container</translation>
    </message>
    <message numerus="yes">
        <source>%n process(es)</source>
        <translation>
            <numerusform>%n Prozess</numerusform>
            <numerusform>%n Prozesse</numerusform>
        </translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>6 hours</source>
        <translation>6 Stunden</translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation>24 Stunden</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 Tage</translation>
    </message>
    <message>
        <source>30 days</source>
        <translation>30 Tage</translation>
    </message>
    <message>
        <source>1 year</source>
        <translation>1 Jahr</translation>
    </message>
    <message>
        <source>Live only: upstream Mist keeps no metric history</source>
        <translation>Nur live: Upstream-Mist speichert keinen Messwertverlauf</translation>
    </message>
    <message>
        <source>Live only: no history from this server (%1)</source>
        <translation>Nur live: kein Verlauf von diesem Server (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%n core(s)</source>
        <translation>
            <numerusform>%n Kern</numerusform>
            <numerusform>%n Kerne</numerusform>
        </translation>
    </message>
    <message>
        <source>cores unknown</source>
        <translation>Kernanzahl unbekannt</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Containers: %1 running of %2 · Images: %3</source>
        <translation>Container: %1 von %2 aktiv · Images: %3</translation>
    </message>
    <message>
        <source>Docker engine unreachable</source>
        <translation>Docker-Engine nicht erreichbar</translation>
    </message>
    <message>
        <source>Load average: %1, %2, %3</source>
        <translation>Durchschnittslast: %1, %2, %3</translation>
    </message>
    <message>
        <source>received</source>
        <translation>empfangen</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>gesendet</translation>
    </message>
    <message>
        <source>read</source>
        <translation>gelesen</translation>
    </message>
    <message>
        <source>written</source>
        <translation>geschrieben</translation>
    </message>
    <message>
        <source>Network of %1</source>
        <translation>Netzwerk von %1</translation>
    </message>
    <message>
        <source>Block I/O of %1</source>
        <translation>Block-E/A von %1</translation>
    </message>
    <message>
        <source>%1 received, %2 sent (%3 and %4 in all)</source>
        <translation>%1 empfangen, %2 gesendet (insgesamt %3 und %4)</translation>
    </message>
    <message>
        <source>%1 read, %2 written (%3 and %4 in all)</source>
        <translation>%1 gelesen, %2 geschrieben (insgesamt %3 und %4)</translation>
    </message>
    <message>
        <source>Stats stream ended</source>
        <translation>Statistik-Datenstrom beendet</translation>
    </message>
</context>
<context>
    <name>mist::gui::NewAppDialog</name>
    <message>
        <source>Enter a name and a git URL.</source>
        <translation>Geben Sie einen Namen und eine Git-URL ein.</translation>
    </message>
</context>
<context>
    <name>mist::gui::SidebarApps</name>
    <message>
        <source>no container</source>
        <translation>kein Container</translation>
    </message>
    <message numerus="yes">
        <source>%n restart(s)</source>
        <translation>
            <numerusform>%n Neustart</numerusform>
            <numerusform>%n Neustarts</numerusform>
        </translation>
    </message>
    <message>
        <source>CPU %1 · %2</source>
        <translation>CPU %1 · %2</translation>
    </message>
    <message>
        <source>No project</source>
        <translation>Kein Projekt</translation>
    </message>
    <message>
        <source>Docker engine unreachable on %1</source>
        <translation>Docker-Engine auf %1 nicht erreichbar</translation>
    </message>
    <message>
        <source>Docker engine unreachable at %1 — is dockerd running?</source>
        <translation>Docker-Engine unter %1 nicht erreichbar — läuft dockerd?</translation>
    </message>
</context>
<context>
    <name>mist::gui::StatusWords</name>
    <message>
        <source>Less than a second</source>
        <translation>weniger als einer Sekunde</translation>
    </message>
    <message>
        <source>1 second</source>
        <translation>1 Sekunde</translation>
    </message>
    <message>
        <source>%1 seconds</source>
        <translation>%1 Sekunden</translation>
    </message>
    <message>
        <source>About a minute</source>
        <translation>etwa einer Minute</translation>
    </message>
    <message>
        <source>%1 minutes</source>
        <translation>%1 Minuten</translation>
    </message>
    <message>
        <source>About an hour</source>
        <translation>etwa einer Stunde</translation>
    </message>
    <message>
        <source>%1 hours</source>
        <translation>%1 Stunden</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1 Tagen</translation>
    </message>
    <message>
        <source>%1 weeks</source>
        <translation>%1 Wochen</translation>
    </message>
    <message>
        <source>%1 months</source>
        <translation>%1 Monaten</translation>
    </message>
    <message>
        <source>%1 years</source>
        <translation>%1 Jahren</translation>
    </message>
    <message>
        <source>Up %1</source>
        <translation>Aktiv seit %1</translation>
    </message>
    <message>
        <source>Up %1 (Paused)</source>
        <translation>Aktiv seit %1 (pausiert)</translation>
    </message>
    <message>
        <source>Restarting (%1) %2 ago</source>
        <translation>Neustart (%1) vor %2</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Exited (%1) %2 ago</source>
        <translation>Beendet (%1) vor %2</translation>
    </message>
    <message>
        <source>Removal In Progress</source>
        <translation>Wird entfernt</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Tot</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>restarting</source>
        <translation>startet neu</translation>
    </message>
    <message>
        <source>exited</source>
        <translation>beendet</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>created</source>
        <translation>erstellt</translation>
    </message>
    <message>
        <source>dead</source>
        <translation>tot</translation>
    </message>
    <message>
        <source>removing</source>
        <translation>wird entfernt</translation>
    </message>
    <message>
        <source>(healthy)</source>
        <translation>(gesund)</translation>
    </message>
    <message>
        <source>(unhealthy)</source>
        <translation>(nicht gesund)</translation>
    </message>
    <message>
        <source>(health: starting)</source>
        <translation>(Zustand: startet)</translation>
    </message>
</context>
</TS>
