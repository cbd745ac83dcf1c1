package io.corvus.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** config-service's topology page in a real browser, as the tests look at it. */
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
        return browser.findElement(By.id("status")).getAttribute("data-state");
    }

    String signInProblem() {
        return browser.findElement(By.id("sign-in-problem")).getText();
    }

    /** The active endpoints of a gateway as the page shows them (comma-separated node names), empty when none or not shown. */
    String endpoints(String gateway) {
        List<WebElement> cards = browser.findElements(By.cssSelector("[data-gateway='" + gateway + "']"));
        return cards.isEmpty() ? "" : cards.getFirst().getAttribute("data-endpoints");
    }

    /** The sentence of the gateway's last change, empty when there is none. */
    String lastChange(String gateway) {
        List<WebElement> reasons = browser.findElements(By.cssSelector("[data-gateway='" + gateway + "'] .reason"));
        return reasons.isEmpty() ? "" : reasons.getFirst().getText();
    }

    void screenshot(Path file) throws IOException {
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    }
}
