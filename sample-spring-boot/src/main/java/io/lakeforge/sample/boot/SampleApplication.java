package io.lakeforge.sample.boot;

import io.lakeforge.sample.Branches;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application on the {@code dev} branch of the sample topology: the starter gives it
 * a Lakebase {@code DataSource}, Boot's jOOQ {@code DSLContext} and Flyway run on it, and actuator
 * shows its health and meters. The endpoint comes from the generated accessor, not from a pasted
 * path; {@code lakeforge.endpoint} (or {@code LAKEBASE_ENDPOINT}) still overrides it.
 */
@SpringBootApplication
public class SampleApplication {

  /** The application, defaulting {@code lakeforge.endpoint} to {@code Branches.DEV}. */
  public static SpringApplication application() {
    SpringApplication app = new SpringApplication(SampleApplication.class);
    app.setDefaultProperties(Map.of("lakeforge.endpoint", Branches.DEV.readWriteEndpointPath()));
    return app;
  }

  public static void main(String[] args) {
    application().run(args);
  }
}
