package io.corvus.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * config-service's topology page in a real browser, as the tests look at it. The page redraws
 * itself with every update, so values are read in one script each, never through an element
 * found before (which the next update replaces).
 */
final class TopologyPage {

    private final ChromeDriver browser;

    TopologyPage(ChromeDriver browser, String server) {
        this.browser = browser;
        browser.get(server + "/");
    }

    /** Debian's chromium, headless, through Debian's chromedriver (no driver is downloaded). */
    static ChromeDriver openBrowser() {
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1100");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .build();
        return new ChromeDriver(service, options);
    }

    void signIn(String token) {
        if (!browser.findElement(By.id("sign-in")).isDisplayed()) {
            browser.findElement(By.id("sign-out")).click();
        }
        WebElement field = browser.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
    }

    /** {@code live}, {@code reconnecting}, {@code refused} or {@code signed-out}. */
    String status() {
        return read("document.getElementById('status').dataset.state");
    }

    String signInProblem() {
        return read("document.getElementById('sign-in-problem').textContent");
    }

    /** The active endpoints of a gateway as the page shows them (comma-separated node names), empty when none or not shown. */
    String endpoints(String gateway) {
        return read("document.querySelector(\"[data-gateway='" + gateway + "']\")?.dataset.endpoints");
    }

    /** The sentence of the gateway's last change, empty when there is none. */
    String lastChange(String gateway) {
        return read("document.querySelector(\"[data-gateway='" + gateway + "'] .reason\")?.textContent");
    }

    /** When the node's certificate expires as the page shows it ("2026-12-31 (27 days)"), empty when not shown. */
    String certificate(String node) {
        return read("document.querySelector(\"[data-node='" + node + "'] td.certificate\")?.textContent");
    }

    private String read(String expression) {
        Object value = browser.executeScript("return " + expression + " ?? '';");
        return value == null ? "" : value.toString();
    }

    void screenshot(Path file) throws IOException {
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    }
}
