package dev.imagegateway.web;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web console end to end in headless Chromium (Debian's chromium and chromium-driver, which {@code .ci/run}
 * installs): key, prompt, the image rendered, the gallery, a batch, the keyboard, a phone-sized screen. Where the
 * browser is missing the test is skipped, unless {@code REQUIRE_BROWSER_TESTS=1} (set by CI) makes that a failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebConsoleBrowserTest extends ConsoleTestSupport {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String PROMPT = "A lighthouse on a cliff at dawn";

    private WebDriver browser;
    private WebDriverWait wait;
    private Path profile;


    @BeforeAll
    void openBrowser() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "1".equals(System.getenv("REQUIRE_BROWSER_TESTS"))) {
            fail("REQUIRE_BROWSER_TESTS=1 but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing (apt-get install chromium chromium-driver)");
        }
        assumeTrue(present, "no Chromium here: apt-get install chromium chromium-driver");
        profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        // as root, in a closed network: no sandbox, and none of Chromium's own background connections
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--user-data-dir=" + profile, "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    void closeBrowser() throws Exception {
        if (browser != null) {
            browser.quit();
        }
    }

    private String base() {
        return "http://localhost:" + httpPort() + "/";
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private WebElement visible(String id) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private void screenshot(String name) throws Exception {
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.write(target, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    @Order(1)
    void aWrongKeyIsRefusedReadably() {
        browser.get(base());
        visible("key-input").sendKeys("not-a-key", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("key-error"), "did not accept this key"));
        assertFalse(browser.findElement(By.id("app")).isDisplayed());
    }

    @Test
    @Order(2)
    void generatesAnImageAndShowsIt() throws Exception {
        browser.get(base());
        visible("key-input").sendKeys(KEY, Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("model-info"), "gpt-image-2.6-flare"));
        assertEquals(KEY, js("return sessionStorage.getItem('imageGatewayKey')"), "the key is kept for the tab only");

        visible("prompt").sendKeys(PROMPT);
        // a DALL-E 3 name, from the catalog's picker: its own sizes, served by today's model
        new Select(browser.findElement(By.id("model"))).selectByValue("dall-e-3");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("model-note"), "served by gpt-image-2.6-flare"));
        new Select(browser.findElement(By.id("size"))).selectByValue("1792x1024");
        browser.findElement(By.id("generate-button")).click();

        WebElement image = visible("result-image");
        // partial images first (the console asks the OpenAI door for a stream), then the image itself
        wait.until(d -> PROMPT.equals(image.getAttribute("alt")) && !browser.findElement(By.id("result")).getAttribute("class").contains("partial")
                && ((Number) js("return arguments[0].naturalWidth", image)).intValue() > 0);
        assertEquals("2", browser.findElement(By.id("result")).getAttribute("data-partial-images"),
                "two partial images were shown before the image");
        assertEquals(1792L, js("return arguments[0].naturalWidth", image));
        assertEquals(PROMPT, image.getAttribute("alt"), "the prompt is the image's alt text");
        String filename = browser.findElement(By.id("result-filename")).getText();
        assertTrue(filename.matches("\\d{10}_[0-9a-f]{12}\\.png"), filename);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("result-details"), "1792×1024"));
        assertTrue(browser.findElement(By.id("result-details")).getText().matches(".*\\d+ KB · \\d+\\.\\d s"),
                browser.findElement(By.id("result-details")).getText());
        assertTrue(Files.exists(savedImage(filename)), "the image is saved like every other");
        screenshot("console-generate.png");
    }

    @Test
    @Order(3)
    void errorsFromTheGatewayAreShownAsItsMessages() {
        // an option the gateway refuses, as a client with a stale page might send
        js("const o = document.createElement('option'); o.value = o.textContent = '999x999'; document.getElementById('size').append(o);");
        new Select(browser.findElement(By.id("size"))).selectByValue("999x999");
        browser.findElement(By.id("generate-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("generate-error"), "Field 'size' is invalid for dall-e-3"));
        assertFalse(browser.findElement(By.id("progress")).isDisplayed());
    }

    @Test
    @Order(4)
    void theGalleryShowsTheImageNewestFirst() throws Exception {
        String filename = savedImages().get(0).getFileName().toString();
        browser.findElement(By.id("tab-gallery")).click();
        WebElement first = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#gallery-grid li:first-child img")));
        assertEquals(filename, first.getAttribute("data-filename"));
        wait.until(d -> ((Number) js("return arguments[0].naturalWidth", first)).intValue() > 0);
        assertEquals(PROMPT, first.getAttribute("alt"));
        assertTrue(browser.findElement(By.id("gallery-status")).getText().contains("1 image shown"));
    }

    @Test
    @Order(5)
    void tabsWorkFromTheKeyboard() {
        browser.findElement(By.id("tab-gallery")).sendKeys(Keys.ARROW_RIGHT);
        wait.until(ExpectedConditions.attributeToBe(By.id("tab-batches"), "aria-selected", "true"));
        assertEquals("tab-batches", js("return document.activeElement.id"));
        browser.findElement(By.id("tab-batches")).sendKeys(Keys.HOME);
        wait.until(ExpectedConditions.attributeToBe(By.id("tab-generate"), "aria-selected", "true"));
        assertTrue(browser.findElement(By.id("panel-generate")).isDisplayed());
        assertFalse(browser.findElement(By.id("panel-batches")).isDisplayed());
    }

    @Test
    @Order(6)
    void theBatchViewShowsAnInboxFileAndItsReport() throws Exception {
        Files.writeString(inboxDir.resolve("harbour.txt"), "A harbour at night\nA harbour at noon\n");
        browser.findElement(By.id("tab-batches")).click();
        wait.until(d -> {
            d.findElement(By.id("batches-refresh")).click();
            return d.findElement(By.id("batches-list")).getText().contains("Finished: 2 of 2 succeeded");
        });
        WebElement batch = browser.findElement(By.cssSelector("#batches-list .batch"));
        assertTrue(batch.getText().startsWith("harbour.txt"), batch.getText());
        batch.findElement(By.tagName("summary")).click();
        assertTrue(batch.findElement(By.tagName("table")).getText().contains("A harbour at noon"));
    }

    @Test
    @Order(7)
    void editsAnUploadedImageWithAPaintedMaskAndShowsTheResultBesideTheOriginal() throws Exception {
        Path upload = Files.createTempFile("to-edit", ".png");
        Files.write(upload, dev.imagegateway.routes.UpstreamStub.png(320, 240, java.awt.Color.BLUE));
        browser.findElement(By.id("tab-edit")).click();
        browser.findElement(By.id("edit-file")).sendKeys(upload.toString());
        WebElement canvas = visible("edit-canvas");
        wait.until(d -> ((Number) js("return arguments[0].width", canvas)).intValue() == 320);
        // paint a stroke near the top left (the offline renderer writes the prompt across the middle): the area to change
        new org.openqa.selenium.interactions.Actions(browser).moveToElement(canvas, -120, -90).clickAndHold().moveByOffset(15, 0)
                .moveByOffset(15, 0).release().perform();
        assertEquals("true", canvas.getAttribute("data-painted"));
        visible("edit-prompt").sendKeys("Add a yellow sun");
        browser.findElement(By.id("edit-button")).click();
        WebElement result = visible("edit-result-image");
        wait.until(d -> "Add a yellow sun".equals(result.getAttribute("alt"))
                && ((Number) js("return arguments[0].naturalWidth", result)).intValue() > 0);
        assertEquals("2", browser.findElement(By.id("edit-result")).getAttribute("data-partial-images"), "partial images came first");
        assertEquals(320L, js("return arguments[0].naturalWidth", result), "size auto: the input's size");
        assertTrue(((Number) js("return arguments[0].naturalWidth", visible("edit-original"))).intValue() == 320, "the original beside it");
        String filename = browser.findElement(By.id("edit-result-filename")).getText();
        assertTrue(Files.exists(savedImage(filename)), "the edit is saved: " + filename);
        // the painted area was sent as the mask: the offline renderer tinted it, and left the rest blue
        java.awt.image.BufferedImage edited = javax.imageio.ImageIO.read(savedImage(filename).toFile());
        assertEquals(java.awt.Color.BLUE.getRGB(), edited.getRGB(5, 230), "outside the mask the input is unchanged");
        assertTrue(edited.getRGB(55, 30) != java.awt.Color.BLUE.getRGB(), "inside the mask the image was changed");
        screenshot("console-edit.png");
    }

    @Test
    @Order(8)
    void theUsageTabChartsSpendPerDayAndListsItByModel() throws Exception {
        // two days of spend in the ledger (offline images cost nothing), written by the gateway's own statement
        java.time.LocalDateTime now = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC);
        ledgerRow("console-usage-1", now.minusDays(3), "1.000000");
        ledgerRow("console-usage-2", now, "0.040000");
        browser.findElement(By.id("tab-usage")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("usage-status"), "All keys: $1.04 spent"));
        java.util.List<WebElement> bars = browser.findElements(By.cssSelector("#usage-chart rect.bar"));
        assertEquals(2, bars.size(), "one bar per day with spend");
        double tall = Double.parseDouble(bars.get(0).getAttribute("height"));
        double short_ = Double.parseDouble(bars.get(1).getAttribute("height"));
        assertTrue(tall > 20 * short_, "bars in proportion to spend: " + tall + " vs " + short_);
        assertEquals(now.minusDays(3).toLocalDate().toString(), bars.get(0).getAttribute("data-day"));
        WebElement models = browser.findElement(By.id("usage-models"));
        assertTrue(models.getText().contains("gpt-image-2.6-flare"), models.getText());
        assertTrue(models.getText().contains("$1.04"), models.getText());
        screenshot("console-usage.png");
    }

    private void ledgerRow(String requestId, java.time.LocalDateTime at, String usd) {
        java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("entry_id", java.util.UUID.randomUUID().toString());
        row.put("request_id", requestId);
        row.put("created_at", at);
        row.put("key_name", "env-1");
        row.put("door", "rest");
        row.put("requested_model", "gpt-image-2.6-flare");
        row.put("model", "gpt-image-2.6-flare");
        row.put("provider", "openai");
        row.put("deployment", "openai");
        row.put("n", 1);
        row.put("images", 1);
        row.put("size", "1024x1024");
        row.put("quality", "high");
        row.put("input_tokens", 10L);
        row.put("output_tokens", 7024L);
        row.put("estimate_usd", new java.math.BigDecimal(usd));
        row.put("cost_usd", new java.math.BigDecimal(usd));
        row.put("billing", "tokens");
        row.put("outcome", "ok");
        row.put("latency_ms", 1000L);
        context.createProducerTemplate().sendBody("direct:sql-ledger-insert", row);
    }

    @Test
    @Order(9)
    void fitsAPhoneSizedScreen() throws Exception {
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.get(base());
        // the key is remembered for the tab: no second prompt
        visible("prompt").sendKeys("A small red boat");
        browser.findElement(By.id("generate-button")).click();
        WebElement image = visible("result-image");
        wait.until(d -> "A small red boat".equals(image.getAttribute("alt"))
                && ((Number) js("return arguments[0].naturalWidth", image)).intValue() > 0);
        long overflow = (Long) js("return document.documentElement.scrollWidth - window.innerWidth");
        assertTrue(overflow <= 0, "the page scrolls sideways by " + overflow + " px on a phone");
        assertTrue((Long) js("return arguments[0].getBoundingClientRect().width", image) <= 390);
        screenshot("console-phone.png");
        browser.manage().window().setSize(new Dimension(1280, 900));
        browser.findElement(By.id("tab-gallery")).click();
        wait.until(d -> d.findElements(By.cssSelector("#gallery-grid img")).size() >= 2
                && (Boolean) js("return [...document.querySelectorAll('#gallery-grid img')].every(i => i.naturalWidth > 0)"));
        screenshot("console-gallery.png");
    }
}
