package io.corvus.launcher;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.corvus.events.Json;
import picocli.CommandLine.Option;

/**
 * {@code -o table|json|yaml}: what a command prints. Tables are for people; JSON and YAML print
 * the same data whole, for scripts ({@code jq}, {@code yq}).
 */
final class Output {

    enum Format { table, json, yaml }

    private static final ObjectMapper JSON = Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = Json.yaml();

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
            description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
    Format format;

    /** Prints {@code data} as JSON or YAML, or the table made from it. */
    void print(PrintStream out, Object data, Supplier<Table> table) {
        switch (format) {
            case table -> table.get().print(out);
            case json -> out.println(write(JSON, data));
            case yaml -> out.print(write(YAML, data));
        }
    }

    /** Prints {@code data} as JSON or YAML, or, for a person, the line that says what it means. */
    void print(PrintStream out, Object data, String line) {
        print(out, data, () -> new Table(line));
    }

    boolean isTable() {
        return format == Format.table;
    }

    private static String write(ObjectMapper mapper, Object data) {
        try {
            return mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the output: " + e.getMessage(), e);
        }
    }

    /** Columns sized to their widest cell; an empty table says so instead of printing bare headers. */
    static final class Table {

        private final List<String> headers;
        private final List<List<String>> rows = new ArrayList<>();
        private final String whenEmpty;

        Table(String whenEmpty, String... headers) {
            this.whenEmpty = whenEmpty;
            this.headers = List.of(headers);
        }

        Table row(Object... cells) {
            if (cells.length != headers.size()) {
                throw new IllegalArgumentException(cells.length + " cells for " + headers.size() + " columns");
            }
            List<String> row = new ArrayList<>();
            for (Object cell : cells) {
                row.add(cell == null ? "-" : cell.toString());
            }
            rows.add(row);
            return this;
        }

        void print(PrintStream out) {
            if (rows.isEmpty()) {
                out.println(whenEmpty);
                return;
            }
            int[] widths = new int[headers.size()];
            for (int column = 0; column < widths.length; column++) {
                widths[column] = headers.get(column).length();
                for (List<String> row : rows) {
                    widths[column] = Math.max(widths[column], row.get(column).length());
                }
            }
            printRow(out, headers, widths);
            rows.forEach(row -> printRow(out, row, widths));
        }

        private static void printRow(PrintStream out, List<String> cells, int[] widths) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < cells.size(); column++) {
                String cell = cells.get(column);
                line.append(cell);
                if (column < cells.size() - 1) {
                    line.append(" ".repeat(widths[column] - cell.length() + 2));
                }
            }
            out.println(line);
        }
    }
}
