"""POST /translate: the config.json each container of a Pod or workload would get, as judged by /admission."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from app import core
from app.api.errors import problem_responses
from app.api.examples import translate_body
from app.api.offload import judge
from app.api.responses import ModelResponse
from app.config import Settings
from app.core.kube import NodeModel
from app.core.kube.translate import Translation, translate as translate_object
from app.gate import node_model
from app.models import NodeAssumptions, TranslatedSpec, TranslationNote, TranslationResult

router = APIRouter(tags=["kubernetes"])

CriQuery = Annotated[
    Literal["containerd", "cri-o"] | None,
    Query(description="The node's CRI runtime; default SPECGATE_CRI (containerd)."),
]
SelinuxQuery = Annotated[
    bool | None,
    Query(
        alias="cri_selinux",
        description="The CRI runtime labels containers for SELinux; default SPECGATE_CRI_SELINUX (false).",
    ),
]


def result(translation: Translation) -> TranslationResult:
    """The wire form of a translation."""
    node = translation.node
    pod = translation.pod
    return TranslationResult.model_construct(
        kind=pod.kind,
        name=pod.name,
        namespace=pod.namespace,
        runtime_class_name=translation.runtime_class_name,
        runtime_handler=translation.runtime_handler,
        node=NodeAssumptions(cri=node.cri, cri_selinux=node.selinux, pod_annotations=list(node.pod_annotations)),
        containers=[
            TranslatedSpec.model_construct(
                kind=c.kind,
                name=c.name,
                index=c.index,
                pointer=c.pointer,
                config=c.config,
                provenance=dict(c.provenance),
                notes=[
                    TranslationNote.model_construct(
                        rule=n.rule, severity=n.severity, pod_path=n.pod_path, message=n.message
                    )
                    for n in c.notes
                ],
            )
            for c in translation.containers
        ],
    )


def _translate(raw: bytes, node: NodeModel) -> TranslationResult:
    obj: Any = core.load(raw).data
    return result(translate_object(obj, node))


@router.post(
    "/translate",
    summary="Translate a Pod or workload into config.json documents",
    description=(
        "The config.json the node's CRI runtime (containerd 2.x by default, or CRI-O) would write for every "
        "container of the Pod: the sandbox (pause) container first, then init, app and ephemeral containers. "
        "The body is a Pod or a Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, "
        "CronJob or PodTemplate (JSON). These are exactly the documents POST /admission judges; each comes with "
        "the Pod field every value came from. An object that carries no Pod, or a malformed Pod spec, gets 422."
    ),
    response_model=TranslationResult,
    response_description="Every config.json of the Pod, with provenance.",
    responses=problem_responses(400, 413, 415, 422),
    openapi_extra=translate_body(),
)
async def translate(request: Request, cri: CriQuery = None, cri_selinux: SelinuxQuery = None) -> ModelResponse:
    """Translate a Pod or workload into config.json documents."""
    settings: Settings = request.app.state.settings
    node = node_model(settings)
    if cri is not None or cri_selinux is not None:
        node = NodeModel(
            cri=cri or node.cri,
            selinux=node.selinux if cri_selinux is None else cri_selinux,
            pod_annotations=node.pod_annotations,
        )
    return ModelResponse(await judge(request, _translate, node))
