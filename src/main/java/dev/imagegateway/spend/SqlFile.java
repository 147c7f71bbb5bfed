package dev.imagegateway.spend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the spend statements (src/main/resources/sql, the same files the camel-sql routes run, with their
 * {@code :#name} parameters) for plain JDBC: where several must run in one transaction, or before the routes run.
 */
final class SqlFile {

    private static final Map<String, SqlFile> LOADED = new ConcurrentHashMap<>();
    private static final Pattern PARAMETER = Pattern.compile(":#(\\w+)");

    private final String name;
    private final String jdbc;
    private final List<String> parameters;

    private SqlFile(String name, String jdbc, List<String> parameters) {
        this.name = name;
        this.jdbc = jdbc;
        this.parameters = parameters;
    }

    static SqlFile of(String name) {
        return LOADED.computeIfAbsent(name, SqlFile::load);
    }

    private static SqlFile load(String name) {
        String text;
        try (InputStream in = SqlFile.class.getResourceAsStream("/sql/" + name + ".sql")) {
            if (in == null) {
                throw new IllegalStateException("No statement sql/" + name + ".sql");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^\\s*--.*$", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> names = new ArrayList<>();
        Matcher m = PARAMETER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return new SqlFile(name, text.replaceAll(":#\\w+", "?").trim(), List.copyOf(names));
    }

    String name() {
        return name;
    }

    /** Runs the statement with its parameters from the map; returns the rows it changed. */
    int update(Connection connection, Map<String, ?> values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(jdbc)) {
            bind(statement, values);
            return statement.executeUpdate();
        }
    }

    /** Runs a SELECT; its rows, columns by their lower-case names. */
    List<Map<String, Object>> query(Connection connection, Map<String, ?> values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(jdbc)) {
            bind(statement, values);
            try (var rows = statement.executeQuery()) {
                List<Map<String, Object>> result = new ArrayList<>();
                var meta = rows.getMetaData();
                while (rows.next()) {
                    Map<String, Object> row = new java.util.LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rows.getObject(i));
                    }
                    result.add(row);
                }
                return result;
            }
        }
    }

    private void bind(PreparedStatement statement, Map<String, ?> values) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, values.get(parameters.get(i)));
        }
    }
}
