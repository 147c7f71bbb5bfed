package dev.imagegateway.provider;

/**
 * A deployment could not serve the request for a reason another deployment may not share (429, 5xx, a timeout, a
 * connection failure, an open circuit, refused credentials): the failover load balancer of the serve-model route tries the
 * next one on this exception alone. The cause is the failure itself, which the client gets if none is left.
 */
public class DeploymentFailed extends RuntimeException {

    public DeploymentFailed(Throwable cause) {
        super(cause.getMessage(), cause, false, false);
    }
}
