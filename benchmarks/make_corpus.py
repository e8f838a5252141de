"""Generate a benchmark corpus: N realistic KAM submissions of about 3,000 words each.

    python benchmarks/make_corpus.py OUT_DIR [-n 200] [--seed 0] [--jobs 2] [--quiet]

Each submission is a spec (tests/SUBMISSION_SPEC.md) drawn deterministically from `seed` and its
index (company, figures, heading form, producer application, cover/TOC, tables, pictures, text
boxes, tracked changes, pasted prompt, a missing section now and then), rendered with
`tests.docbuilder`. OUT_DIR receives `kam_NNN.docx` plus `labels.json` ({file: truth}).
The same seed always gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for `tests.docbuilder`

from tests.docbuilder import HEADING_FORMS, build_docx  # noqa: E402

Spec = dict[str, Any]
Block = dict[str, Any]

_COMPANIES = [
    ("Grupo Lácteo del Norte", "lácteos"),
    ("Cementos del Bajío", "materiales de construcción"),
    ("Farmacéutica Anáhuac", "medicamentos"),
    ("Autopartes Rassini del Centro", "autopartes"),
    ("Bebidas Moctezuma", "bebidas"),
    ("Papelera Tapatía", "papel y empaque"),
    ("Logística Estafeta Sur", "paquetería"),
    ("Aceros Monclova", "acero"),
    ("Tecnologías Compusoluciones", "equipo de cómputo"),
    ("Alimentos La Costeña del Golfo", "alimentos envasados"),
    ("Química Industrial Potosina", "químicos industriales"),
    ("Textiles de Puebla", "telas"),
    ("Distribuidora Nadro Occidente", "distribución farmacéutica"),
    ("Plásticos Regiomontanos", "envases de plástico"),
    ("Seguros Banorte Empresarial", "seguros"),
    ("Electrodomésticos Mabe Norte", "electrodomésticos"),
]
_ORGANISATION = ["línea de producto", "cliente", "zona geográfica"]
_NAMES = ["Laura", "Jorge", "Mariana", "Ricardo", "Sofía", "Andrés", "Paola", "Héctor",
          "Daniela", "Luis", "Fernanda", "Óscar", "Valeria", "Emilio"]  # fmt: skip
_SURNAMES = ["López", "Hernández", "García", "Martínez", "Ramírez", "Torres", "Flores",
             "Gómez", "Díaz", "Reyes", "Cruz", "Morales", "Ortiz", "Salazar"]  # fmt: skip
_APPLICATIONS = [
    "Microsoft Office Word",
    "Microsoft Office Word",
    "Microsoft Office Word",
    "LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/e19e193f88cd6c0525a17fb7a176ed8e6a3e2aa1",
    "Google Docs",
    "WPS Office",
]
_TITLES = {
    "s1": ["Cuentas clave", "Cuentas Clave", "Cuentas claves", "Las cuentas clave"],
    "s2": ["Relaciones con clientes", "Relación con clientes", "Relaciones con los clientes"],
    "s3": ["Relaciones en el departamento", "Relaciones en el Departamento",
           "Relaciones dentro del departamento"],
    "s4": ["Propuesta de mejora", "Propuesta de Mejora", "Propuestas de mejora"],
}  # fmt: skip
_TARGET_WORDS = {"s1": 330, "s2": 880, "s3": 1080, "s4": 560}

# Sentence templates per section; {slots} are filled from the document's facts.
_SENTENCES: dict[str, list[str]] = {
    "s1": [
        "El departamento de cuentas clave de {empresa} se organiza por {org}.",
        "La empresa se dedica a la venta de {sector} y atiende a clientes en todo el país.",
        "El departamento tiene {n_vend} vendedores, de una fuerza de ventas total de {n_total} "
        "personas.",
        "Esto significa que el departamento de cuentas clave representa el {pct_fuerza} % de la "
        "fuerza de ventas de la empresa.",
        "Cada KAM atiende {clientes_kam} clientes, aunque las cuentas más grandes tienen un "
        "ejecutivo dedicado.",
        "Las cuentas clave representan el {pct_ventas} % de las ventas totales de la empresa.",
        "El gerente del área me explicó que la organización por {org} facilita conocer a fondo "
        "las necesidades de cada comprador.",
        "Las cuentas se revisan cada año y una cuenta pasa a ser clave cuando sus compras superan "
        "los {umbral} millones de pesos.",
        "El departamento reporta directamente a la Dirección Comercial y se coordina con "
        "mercadotecnia para los lanzamientos.",
        "Además de los vendedores, el área cuenta con {n_soporte} personas de soporte de ventas "
        "que preparan pedidos y reportes.",
    ],
    "s2": [
        "Entrevisté a {v1} y a {v2} por separado, en sesiones de una hora cada una.",
        "{v1} atiende {c1} cuentas clave y tiene {k1} contactos en cada empresa cliente.",
        "{v2} atiende {c2} cuentas clave y mantiene {k2} contactos por cliente, entre compradores, "
        "gerentes de categoría y personal de logística.",
        "En promedio, {v1} lleva {a1} años atendiendo a cada cliente, mientras que {v2} lleva "
        "{a2} años.",
        "Para {v1}, su cliente más importante representa el {p1} % de sus ventas; para {v2}, el "
        "{p2} %.",
        "La rutina de {v1} empieza los lunes con la revisión de inventarios de cada cliente y "
        "sigue con visitas a tienda durante la semana.",
        "{v2} prefiere llamar a sus compradores cada martes y reservar los jueves para visitas "
        "presenciales y juntas de negocio.",
        "Ambos vendedores coinciden en que la confianza con el comprador se construye con "
        "cumplimiento en las entregas y respuestas rápidas.",
        "Cuando pregunté por su aproximación con los clientes, {v1} dijo que busca entender los "
        "objetivos del cliente antes de ofrecer un producto.",
        "Para conseguir información sobre nuevos proyectos, {v2} asiste a las reuniones de "
        "planeación del cliente y revisa sus informes públicos.",
        "Un patrón común es que los dos vendedores registran cada visita en el CRM y comparten "
        "la información con el equipo.",
        "También observé que los dos dedican más tiempo a las cuentas que crecen que a las que "
        "solo mantienen su volumen.",
        "Los dos vendedores dijeron que los contactos en áreas distintas a compras les ayudan a "
        "anticipar cambios en los pedidos.",
        "La principal diferencia entre ellos es que {v1} negocia precios por volumen, mientras "
        "que {v2} negocia servicios adicionales.",
    ],
    "s3": [
        "Considero que el departamento de cuentas clave debe ubicarse dentro de la Dirección "
        "Comercial, al mismo nivel que la gerencia de ventas regionales.",
        "Esta decisión se justifica porque las cuentas clave generan el {pct_ventas} % de las "
        "ventas y requieren decisiones rápidas sobre precios y servicio.",
        "Propongo que el departamento tenga {n_depto} empleados: un gerente, {n_kam} KAM, un "
        "analista financiero y personal de soporte de ventas.",
        "El área de soporte de ventas prepara propuestas, da seguimiento a pedidos y resuelve "
        "incidencias de facturación.",
        "El analista financiero mide la rentabilidad de cada cuenta y prepara los escenarios de "
        "precios para las negociaciones anuales.",
        "Un área de proyectos especiales coordinaría los lanzamientos conjuntos con los clientes "
        "más grandes.",
        "La función principal del departamento es crear valor para la organización asegurando "
        "ventas estables y de largo plazo.",
        "Internamente, el departamento debe relacionarse con producción, logística, finanzas y "
        "mercadotecnia.",
        "Con logística acuerda los niveles de servicio y con finanzas las condiciones de crédito "
        "de cada cuenta.",
        "Externamente, mantiene relaciones con compradores, gerentes de categoría, distribuidores "
        "y agencias de investigación de mercados.",
        "El organigrama completo de {empresa} inicia con la Dirección General, de la que "
        "dependen las direcciones Comercial, de Operaciones y de Finanzas.",
        "Dentro de la Dirección Comercial se ubican la gerencia de cuentas clave, la gerencia de "
        "ventas regionales y la gerencia de mercadotecnia.",
        "Cada KAM debe tener metas claras de venta, rentabilidad y satisfacción del cliente.",
        "El departamento debe reunirse cada semana para revisar el avance de las cuentas y "
        "compartir información de mercado.",
    ],
    "s4": [
        "El primer problema que enfrenta el departamento es la dependencia de pocos clientes, "
        "porque el {pct_ventas} % de las ventas se concentra en ellos.",
        "Para evitarlo propongo diversificar la cartera y desarrollar al menos {nuevas} cuentas "
        "nuevas cada año.",
        "El segundo problema es la rotación de personal: si un KAM se va, la relación con el "
        "cliente puede perderse.",
        "Por eso propongo que cada cuenta tenga un KAM responsable y un ejecutivo de respaldo "
        "que conozca la historia del cliente.",
        "El tercer problema es la presión de los clientes para reducir precios.",
        "Para enfrentarla, el departamento debe demostrar el valor de sus servicios con datos de "
        "ahorro y de eficiencia logística.",
        "También propongo medir la rentabilidad de cada cuenta cada trimestre y no solo el "
        "volumen de ventas.",
        "Otra estrategia es documentar en el CRM todos los contactos, acuerdos y compromisos con "
        "cada cliente.",
        "Finalmente, recomiendo un programa de capacitación en negociación y análisis financiero "
        "para los {n_kam} KAM.",
        "Con estas acciones {empresa} puede proteger sus ventas y fortalecer la relación con sus "
        "cuentas clave a largo plazo.",
    ],
}
_SUBHEADINGS = {
    "s2": ["Entrevista con {v1}", "Entrevista con {v2}", "Patrones comunes"],
    "s3": ["Ubicación en la organización", "Estructura y funciones",
           "Relaciones internas y externas"],
    "s4": ["Problemas identificados", "Estrategias propuestas"],
}  # fmt: skip


def _facts(rng: random.Random) -> dict[str, Any]:
    empresa, sector = rng.choice(_COMPANIES)
    n_total = rng.randrange(40, 400)
    n_vend = rng.randrange(4, max(6, n_total // 5))
    v1, v2 = rng.sample(_NAMES, 2)
    n_kam = rng.randrange(3, 12)
    return {
        "empresa": empresa,
        "sector": sector,
        "org": rng.choice(_ORGANISATION),
        "n_vend": n_vend,
        "n_total": n_total,
        "pct_fuerza": round(100 * n_vend / n_total),
        "clientes_kam": rng.randrange(3, 15),
        "pct_ventas": rng.randrange(20, 75),
        "umbral": rng.randrange(5, 80),
        "n_soporte": rng.randrange(1, 8),
        "v1": v1,
        "v2": v2,
        **{f"c{i}": rng.randrange(2, 12) for i in (1, 2)},
        **{f"k{i}": rng.randrange(1, 7) for i in (1, 2)},
        **{f"a{i}": rng.randrange(1, 15) for i in (1, 2)},
        **{f"p{i}": rng.randrange(10, 60) for i in (1, 2)},
        "n_kam": n_kam,
        "n_depto": n_kam + rng.randrange(3, 8),
        "nuevas": rng.randrange(2, 6),
    }


def _paragraphs(sid: str, target: int, facts: dict[str, Any], rng: random.Random) -> list[str]:
    pool = [t.format(**facts) for t in _SENTENCES[sid]]
    paragraphs, words = [], 0
    while words < target:
        sentences = rng.sample(pool, k=min(len(pool), rng.randrange(3, 6)))
        text = " ".join(sentences)
        paragraphs.append(text)
        words += len(text.split())
    return paragraphs


def corpus_spec(index: int, seed: int = 0) -> Spec:
    """The spec of submission `index`, fully determined by (seed, index)."""
    rng = random.Random(f"kamgrade-bench:{seed}:{index}")
    facts = _facts(rng)
    name = f"{rng.choice(_NAMES)} {rng.choice(_SURNAMES)} {rng.choice(_SURNAMES)}"
    matricula = f"AL{rng.randrange(10**7, 10**8)}"
    form = HEADING_FORMS[index % len(HEADING_FORMS)]
    numbered = rng.random() < 0.85
    blocks: list[Block] = []
    if rng.random() < 0.7:
        blocks.append(
            {
                "cover": [
                    "Universidad Tecmilenio",
                    "Ventas",
                    "Actividad 3. Cuentas clave",
                    name,
                    f"Matrícula: {matricula}",
                    "12 de octubre de 2026",
                ]
            }
        )
        if rng.random() < 0.3:
            blocks += [{"toc": True}, {"page_break": True}]
    blocks += [
        {"heading": "Introducción"},
        {
            "p": f"En este reporte analizo el departamento de cuentas clave de {facts['empresa']}, "
            f"empresa dedicada a la venta de {facts['sector']}, y propongo mejoras para su "
            "relación con los clientes."
        },
    ]
    missing = rng.choice(["s2", "s3", "s4"]) if rng.random() < 0.05 else None
    for number, sid in enumerate(("s1", "s2", "s3", "s4"), start=1):
        if sid == missing:
            continue
        titles = _TITLES[sid]
        title = titles[0] if rng.random() < 0.8 else rng.choice(titles)
        blocks.append({"section": sid, "title": title, **({"number": number} if numbered else {})})
        if rng.random() < 0.2:
            blocks.append({"pasted_prompt": sid})
        paragraphs = _paragraphs(sid, _TARGET_WORDS[sid], facts, rng)
        subheads = [s.format(**facts) for s in _SUBHEADINGS.get(sid, [])]
        use_subheads = rng.random() < 0.5 and len(paragraphs) > len(subheads)
        every = max(1, len(paragraphs) // max(1, len(subheads)))
        for i, text in enumerate(paragraphs):
            if use_subheads and i % every == 0 and i // every < len(subheads):
                blocks.append({"subheading": subheads[i // every]})
            block: Block = {"p": text}
            if rng.random() < 0.04:
                block["inserted"] = " Esta oración se agregó con control de cambios."
            if rng.random() < 0.04:
                block["deleted"] = " Esta oración se borró con control de cambios."
            if rng.random() < 0.03:
                block["footnote"] = f"Dato proporcionado por {facts['v1']} en la entrevista."
            blocks.append(block)
        blocks += _extras(sid, facts, rng)
    blocks += [
        {"heading": "Conclusión"},
        {
            "p": f"Las cuentas clave sostienen una parte importante del negocio de "
            f"{facts['empresa']}; cuidarlas exige un equipo bien organizado."
        },
        {"heading": "Referencias"},
        {"p": "Cheverton, P. (2012). Key account management. Londres: Kogan Page."},
    ]
    return {
        "file": f"kam_{index:03d}.docx",
        "application": rng.choice(_APPLICATIONS),
        "headings": form,
        "student": {"name": name, "matricula": matricula},
        "blocks": blocks,
    }


def _extras(sid: str, facts: dict[str, Any], rng: random.Random) -> list[Block]:
    """Tables, lists and figures that students add to some sections."""
    extras: list[Block] = []
    if sid == "s1" and rng.random() < 0.4:
        extras.append(
            {
                "table": [
                    ["Concepto", "Dato"],
                    ["Vendedores de cuentas clave", str(facts["n_vend"])],
                    ["Fuerza de ventas total", str(facts["n_total"])],
                    ["Clientes por KAM", str(facts["clientes_kam"])],
                    ["Ventas de cuentas clave", f"{facts['pct_ventas']} %"],
                ]
            }
        )
    if sid == "s2" and rng.random() < 0.5:
        extras.append({"bullets": [f"{facts['v1']}: {facts['c1']} cuentas clave.",
                                   f"{facts['v2']}: {facts['c2']} cuentas clave."]})  # fmt: skip
    if sid == "s3":
        organigram = ["Dirección General", "Dirección Comercial", "Gerencia de Cuentas Clave"]
        roll = rng.random()
        if roll < 0.3:
            extras.append({"image": f"Organigrama de {facts['empresa']}"})
        elif roll < 0.45:
            extras.append({"smartart": organigram})
        elif roll < 0.6:
            extras.append({"textboxes": organigram})
        elif roll < 0.75:
            extras.append({"indented": [[i, t] for i, t in enumerate(organigram)]})
        if rng.random() < 0.3:
            extras.append({"numbered": ["Gerente de cuentas clave.", f"{facts['n_kam']} KAM.",
                                        "Analista financiero."]})  # fmt: skip
    if rng.random() < 0.03:
        extras.append({"deleted_p": "Párrafo eliminado con control de cambios."})
    return extras


def _build_one(args: tuple[int, int, str]) -> tuple[str, dict[str, Any]]:
    index, seed, out = args
    spec = corpus_spec(index, seed)
    built = build_docx(spec)
    (Path(out) / spec["file"]).write_bytes(built.data)
    return spec["file"], built.truth


def make_corpus(out: Path, n: int = 200, seed: int = 0, jobs: int = 1) -> dict[str, Any]:
    """Write n submissions and labels.json into `out`; returns {file: truth}."""
    out.mkdir(parents=True, exist_ok=True)
    work = [(i, seed, str(out)) for i in range(n)]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_build_one, work, chunksize=8))
    else:
        results = [_build_one(w) for w in work]
    labels = dict(sorted(results))
    (out / "labels.json").write_text(
        json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return labels


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description="Generate a benchmark corpus of submissions.")
    parser.add_argument("out", type=Path, help="output directory")
    parser.add_argument("-n", type=int, default=200, help="number of submissions (200)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (0)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    labels = make_corpus(args.out, args.n, args.seed, args.jobs)
    if not args.quiet:
        words = sum(t[s]["words"] for t in labels.values() for s in t if s != "student")
        print(
            f"{len(labels)} submissions, {words / max(1, len(labels)):,.0f} section words each "
            f"on average, in {time.perf_counter() - start:.1f} s -> {args.out}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
